/**
 * The typed RPC client (`colloquy/client`): starts, follows, reattaches and ends flows on a node over its
 * RPC endpoint. Results and errors come back as in-process: a flow that failed with a declared error
 * rejects with that FlowException (protocol, type, details), a Colloquy error with its class and code.
 * Handles and Observables outlive a node restart (rpc-socket.ts reconnects and resumes them).
 */
import { randomUUID } from 'node:crypto'
import { Observable, ReplaySubject } from 'rxjs'
import type {
  FlowListFilter,
  FlowStatusReport,
  FlowSummary,
  ProgressUpdate,
  SignalOutcome,
  UnfinishedFlow,
  DeclaredProtocolVersion,
  FlowMessageHistory,
  PeerStatus,
} from '../../engine/index.js'
import type { FlowStreamItem, Operation, StateMachineUpdate, WireError } from '../rpc-protocol.js'
import { fromWireError } from '../wire-error.js'
import type { FlowFeedUpdate, FlowReference, RpcClient, RpcFlowHandle, StartFlowOptions, TrackedFlowHandle } from './rpc-client-api.js'
import { type RpcHospital, SocketRpcHospital } from './rpc-hospital.js'
import type { ConnectionState, RpcSocket } from './rpc-socket.js'

export class SocketRpcClient implements RpcClient {
  readonly hospital: RpcHospital

  constructor(private readonly socket: RpcSocket) {
    this.hospital = new SocketRpcHospital(socket)
  }

  /** The name of the node this client is connected to. */
  get node(): string {
    return this.socket.node
  }

  /** connected, reconnecting (after the node went away) or closed. */
  get connection(): ConnectionState {
    return this.socket.connection
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    return this.socket.onState(listener)
  }

  /** Starts a flow by name (or by its definition, for typed arguments and result); resolves once the start is durable. */
  startFlow<A = unknown, R = unknown>(flow: FlowReference<A, R>, args: A, options: StartFlowOptions = {}): Promise<RpcFlowHandle<R>> {
    return this.started(flow, args, options, false)
  }

  /** startFlow with the flow's progress as an Observable. */
  startTrackedFlow<A = unknown, R = unknown>(flow: FlowReference<A, R>, args: A, options: StartFlowOptions = {}): Promise<TrackedFlowHandle<R>> {
    return this.started(flow, args, options, true) as Promise<TrackedFlowHandle<R>>
  }

  /** The flow this user started with `clientId`, running or finished; null when there is none. */
  reattachFlow<R = unknown>(clientId: string): Promise<RpcFlowHandle<R> | null> {
    return this.flowStream('reattachFlow', { clientId }, false) as Promise<RpcFlowHandle<R> | null>
  }

  /** Forgets a finished flow's client id and outcome: true when removed, false while it runs or when unknown. */
  removeClientId(clientId: string): Promise<boolean> {
    return this.ask('removeClientId', { clientId }, false)
  }

  /** This user's client ids of finished flows: true for those that succeeded, false for failed or killed. */
  finishedFlowsWithClientIds(): Promise<Record<string, boolean>> {
    return this.ask('finishedFlowsWithClientIds', {}, true)
  }

  /** Ends a running flow as an operator; false when no unfinished flow has that id. */
  killFlow(flowId: string): Promise<boolean> {
    return this.ask('killFlow', { flowId }, false)
  }

  listFlows(filter: Omit<FlowListFilter, 'owner'> = {}): Promise<FlowSummary[]> {
    return this.ask('listFlows', filter, true)
  }

  /** Where a flow is and what it waits for; undefined when the node has no such flow. */
  async flowStatus(flowId: string): Promise<FlowStatusReport | undefined> {
    return ((await this.ask('flowStatus', { flowId }, true)) as FlowStatusReport | null) ?? undefined
  }

  /** The messages a running flow sent and received, with the payloads the node still holds (InvokeRpc.flowMessages). */
  flowMessages(flowId: string): Promise<FlowMessageHistory> {
    return this.ask('flowMessages', { flowId }, true)
  }

  /** Delivers an external event a flow waits for (ctx.waitFor); safe to repeat. */
  signal(flowId: string, name: string, payload: unknown): Promise<SignalOutcome> {
    return this.ask('signal', { flowId, name, payload }, true)
  }

  /** The names of the flows the node can start. */
  flowNames(): Promise<string[]> {
    return this.ask('flowNames', {}, true)
  }

  /** The unfinished flows on the node with their sessions (peer, protocol, version, status), oldest first. */
  unfinishedFlows(): Promise<UnfinishedFlow[]> {
    return this.ask('unfinishedFlows', {}, true)
  }

  /** Every protocol version the node's code declares, with hash, roles and state table. */
  protocols(): Promise<DeclaredProtocolVersion[]> {
    return this.ask('protocols', {}, true)
  }

  /** The node's peers: connection, address, unacknowledged messages, last acknowledgement and error. */
  peers(): Promise<PeerStatus[]> {
    return this.ask('peers', {}, true)
  }

  /** A flow's progress: its current state first, then every change. */
  progress(flowId: string): Observable<ProgressUpdate> {
    return this.stream('progress', { flowId }) as Observable<ProgressUpdate>
  }

  /** Flows added, progressed and ended on the node, as they happen. */
  stateMachinesFeed(): Observable<FlowFeedUpdate> {
    return new Observable<FlowFeedUpdate>((subscriber) =>
      (this.stream('stateMachinesFeed', {}) as Observable<StateMachineUpdate>).subscribe({
        next: (update) =>
          subscriber.next(
            update.type === 'removed' && update.error ? { ...update, error: fromWireError(update.error as WireError) } : (update as FlowFeedUpdate),
          ),
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    )
  }

  /** Closes the connection; pending requests and streams fail with RpcConnectionError. */
  close(): void {
    this.socket.close()
  }

  private async started<A, R>(flow: FlowReference<A, R>, args: A, options: StartFlowOptions, track: boolean): Promise<RpcFlowHandle<R>> {
    const flowName = typeof flow === 'string' ? flow : flow.name
    // The flow id is chosen here, so the start can be sent again after a lost connection without a second flow.
    const request = { flowName, args, flowId: randomUUID(), ...(options.clientId === undefined ? {} : { clientId: options.clientId }), track }
    return (await this.flowStream('startFlow', request, track)) as RpcFlowHandle<R>
  }

  private flowStream(op: 'startFlow' | 'reattachFlow', args: unknown, track: boolean): Promise<RpcFlowHandle | TrackedFlowHandle | null> {
    return new Promise((resolve, reject) => {
      let handle: RpcFlowHandle | undefined
      const progress = new ReplaySubject<ProgressUpdate>()
      let settle!: { resolve: (value: unknown) => void; reject: (error: Error) => void }
      const result = new Promise<unknown>((resolve, reject) => (settle = { resolve, reject }))
      result.catch(() => {}) // a caller that never looks at the result is not an unhandled rejection
      this.socket.call(
        op,
        args,
        {
          next: (value) => {
            const item = value as FlowStreamItem
            if (item.kind === 'progress') return progress.next(item.update as ProgressUpdate)
            if (handle) return // sent again after a reconnect
            handle = { flowId: item.flowId, ...(item.clientId === undefined ? {} : { clientId: item.clientId }), result, ...(track ? { progress } : {}) }
            resolve(handle)
          },
          done: (value) => {
            if (!handle) return resolve(null)
            progress.complete()
            settle.resolve(value)
          },
          fail: (error) => {
            if (!handle) return reject(error)
            progress.complete()
            settle.reject(error)
          },
        },
        true,
      )
    })
  }

  private ask<T>(op: Operation, args: unknown, resend: boolean): Promise<T> {
    return new Promise((resolve, reject) => this.socket.call(op, args, { next: () => {}, done: (value) => resolve(value as T), fail: reject }, resend))
  }

  private stream(op: Operation, args: unknown): Observable<unknown> {
    return new Observable((subscriber) =>
      this.socket.call(
        op,
        args,
        { next: (value) => subscriber.next(value), done: () => subscriber.complete(), fail: (error) => subscriber.error(error) },
        true,
      ),
    )
  }
}
