/**
 * The node's flow hospital over RPC (`client.hospital`): the same operations as `node.hospital` in process
 * (runtime/engine/hospital/hospital-api.ts), each needing `InvokeRpc.hospital.<operation>` (or `InvokeRpc.hospital.*`).
 */
import { Observable } from 'rxjs'
import type { HeldInit, HospitalEntry, HospitalEvent, HospitalFilter, HospitalReport } from '../../engine/index.js'
import type { Operation } from '../rpc-protocol.js'
import type { RpcSocket } from './rpc-socket.js'

export interface RpcHospital {
  /** Flows with admissions (kept, waiting to be retried, or running again), oldest first. */
  list(filter?: HospitalFilter): Promise<HospitalEntry[]>
  /** One flow's admissions, state and what it waits for; undefined when it has none. */
  show(flowId: string): Promise<HospitalReport | undefined>
  /** Retries a kept or waiting flow from its last checkpoint now; false when the hospital holds no such flow. */
  retry(flowId: string): Promise<boolean>
  /** Retries every kept flow the filter matches; with `dryRun`, only lists what it would retry. */
  retryAll(filter?: HospitalFilter, options?: { readonly dryRun?: boolean }): Promise<HospitalEntry[]>
  /** Kills the flow: its counterparties are told, its records removed; false when it is not running. */
  kill(flowId: string): Promise<boolean>
  /** Session inits held because their protocol has no responder on the node. */
  heldInits(): Promise<HeldInit[]>
  /** Rejects a held init; its initiator gets the rejection. False when none is held under `id`. */
  rejectSessionInit(id: string): Promise<boolean>
  /** The hospital's events as they happen. */
  events(): Observable<HospitalEvent>
}

export class SocketRpcHospital implements RpcHospital {
  constructor(private readonly socket: RpcSocket) {}

  list(filter: HospitalFilter = {}): Promise<HospitalEntry[]> {
    return this.ask('hospital.list', filter, true)
  }

  async show(flowId: string): Promise<HospitalReport | undefined> {
    return ((await this.ask('hospital.show', { flowId }, true)) as HospitalReport | null) ?? undefined
  }

  retry(flowId: string): Promise<boolean> {
    return this.ask('hospital.retry', { flowId }, false)
  }

  retryAll(filter: HospitalFilter = {}, options: { readonly dryRun?: boolean } = {}): Promise<HospitalEntry[]> {
    return this.ask('hospital.retryAll', { ...filter, ...(options.dryRun ? { dryRun: true } : {}) }, options.dryRun === true)
  }

  kill(flowId: string): Promise<boolean> {
    return this.ask('hospital.kill', { flowId }, false)
  }

  heldInits(): Promise<HeldInit[]> {
    return this.ask('hospital.heldInits', {}, true)
  }

  rejectSessionInit(id: string): Promise<boolean> {
    return this.ask('hospital.rejectInit', { id }, false)
  }

  events(): Observable<HospitalEvent> {
    return new Observable((subscriber) =>
      this.socket.call(
        'hospital.events',
        {},
        { next: (value) => subscriber.next(value as HospitalEvent), done: () => subscriber.complete(), fail: (error) => subscriber.error(error) },
        true,
      ),
    )
  }

  private ask<T>(op: Operation, args: unknown, resend: boolean): Promise<T> {
    return new Promise((resolve, reject) => this.socket.call(op, args, { next: () => {}, done: (value) => resolve(value as T), fail: reject }, resend))
  }
}
