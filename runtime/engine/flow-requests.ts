/**
 * Operations on one flow that only the process running it may carry out: `node.signal`, `node.killFlow` and
 * the hospital's retry (and kill). The embedded node runs them here. With worker processes
 * (flow-ownership.ts) the process asked may not own the flow: it then hands the request to the owner
 * (`ask`), which runs it as its own (`answer`) and sends back the result or the error, so the caller gets the
 * owner's real answer whichever process it asked. A flow whose owner died is answered by the process that
 * takes it over. A request is checked here first (a signal's name and payload), so what cannot be sent never
 * leaves; a flow this process owns, keeps in memory or in its hospital is never asked about. Two reads go the
 * same way, so the status and hospital views show what the flow's own process knows (what it waits for, its
 * progress, its state in the hospital): `status` and `patient`, asked only of a live owner (a dead one's
 * flow is read from the store here rather than waited for).
 */
import { decode, encode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { StoredError } from '../store/stored-outcome.js'
import { FlowElsewhereError } from './engine-errors.js'
import { type SignalParts, checkSignal, signalFlow } from './external-events.js'
import type { FlowOwnership } from './flow-ownership.js'
import type { Hospital } from './hospital/hospital.js'
import { rebuiltError, storedError } from './kept-outcome.js'
import type { LoadedFlows } from './loaded-flows.js'
import type { FlowStatusReport, SignalOutcome } from './node-api.js'

/** What one process asks of the owner of a flow. */
export type FlowRequest =
  | { readonly op: 'signal'; readonly name: string; readonly payload: unknown }
  | { readonly op: 'kill' }
  | { readonly op: 'retry' }
  | { readonly op: 'status' }
  | { readonly op: 'patient' }

/** Where a patient stands, as the hospital keeping it says. */
export type PatientReport = ReturnType<Hospital['state']>

type Answer = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: StoredError }

export interface RequestParts {
  readonly node: string
  readonly ownership: Pick<FlowOwnership, 'wholeNode' | 'ask' | 'owns'>
  readonly store: Pick<FlowStore, 'flow'>
  readonly loaded: LoadedFlows
  readonly hospital: Pick<Hospital, 'keeps' | 'retry' | 'state'>
  readonly signals: SignalParts
  /** Kills a flow this process may load (kill-flow.ts). */
  readonly kill: (flowId: string) => Promise<boolean>
  /** A flow's status as this process knows it (node-operations.ts). */
  readonly status: (flowId: string) => Promise<FlowStatusReport | undefined>
}

export class FlowRequests {
  constructor(private readonly parts: RequestParts) {}

  signal(flowId: string, name: string, payload: unknown): Promise<SignalOutcome> {
    return this.run(flowId, { op: 'signal', name, payload }) as Promise<SignalOutcome>
  }

  kill(flowId: string): Promise<boolean> {
    return this.run(flowId, { op: 'kill' }) as Promise<boolean>
  }

  retry(flowId: string): Promise<boolean> {
    return this.run(flowId, { op: 'retry' }) as Promise<boolean>
  }

  status(flowId: string): Promise<FlowStatusReport | undefined> {
    return this.run(flowId, { op: 'status' }) as Promise<FlowStatusReport | undefined>
  }

  patient(flowId: string): Promise<PatientReport> {
    return this.run(flowId, { op: 'patient' }) as Promise<PatientReport>
  }

  /** A request another process of the node sent for a flow this one owns: run here, its answer (or error) encoded. */
  async answer(flowId: string, body: Buffer): Promise<Buffer> {
    let answer: Answer
    try {
      answer = { ok: true, value: await this.here(flowId, decode<FlowRequest>(body)) }
    } catch (error) {
      answer = { ok: false, error: storedError(error) }
    }
    return encode(answer)
  }

  /** Here when this process runs the flow (the embedded node always: nothing is awaited on the way), else asked of its owner. */
  private run(flowId: string, request: FlowRequest): Promise<unknown> {
    const { ownership, loaded, hospital } = this.parts
    if (ownership.wholeNode || loaded.runs.has(flowId) || hospital.keeps(flowId)) return this.here(flowId, request)
    return this.ask(flowId, request)
  }

  private async ask(flowId: string, request: FlowRequest): Promise<unknown> {
    if (request.op === 'signal') checkSignal(flowId, request.name, request.payload) // what cannot be sent never leaves
    const read = request.op === 'status' || request.op === 'patient'
    const asked = await this.parts.ownership.ask(flowId, encode(request), read)
    if (asked === 'here') return this.here(flowId, request)
    const answer = decode<Answer>(asked)
    if (answer.ok) return answer.value
    throw rebuiltError(answer.error)
  }

  private here(flowId: string, request: FlowRequest): Promise<unknown> {
    switch (request.op) {
      case 'signal':
        return signalFlow(this.parts.signals, flowId, request.name, request.payload)
      case 'kill':
        return this.killHere(flowId)
      case 'retry':
        return Promise.resolve(this.parts.hospital.retry(flowId))
      case 'status':
        return this.parts.status(flowId)
      case 'patient':
        return Promise.resolve(this.parts.hospital.state(flowId))
    }
  }

  /** A flow another process owns is not killed from here (its run there would go on writing); a finished one is no flow. */
  private async killHere(flowId: string): Promise<boolean> {
    const { ownership, loaded, store, node } = this.parts
    if (!ownership.wholeNode && !loaded.runs.has(flowId) && !(await ownership.owns(flowId))) {
      if ((await store.flow(flowId))?.status !== 'running') return false
      throw new FlowElsewhereError(`Flow ${flowId} runs on another worker of node ${node}, which could not be asked to kill it; ask again.`)
    }
    return this.parts.kill(flowId)
  }
}
