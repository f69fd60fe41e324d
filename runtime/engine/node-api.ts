/** The public face of a node: what `createNode` resolves with, and the values its methods return. */
import type { Observable } from 'rxjs'
import type { FlowStatus, TableCounts, UnfinishedFlow } from '../store/store-rows.js'
import type { Flow } from './flow.js'
import type { FlowEvent } from './flow-events.js'

/** A flow left in the store that this build cannot run: its flow, responder or protocol version is missing. */
export interface ParkedFlow {
  readonly flowId: string
  readonly flowName: string
  readonly kind: 'started' | 'responder'
  /** Why, and so what to deploy. */
  readonly reason: string
}

export interface DrainReport {
  /** Flows still in the store because this build cannot run them; finish them with a build that can, or killFlow. */
  readonly parked: readonly ParkedFlow[]
}

export interface FlowHandle<R> {
  readonly flowId: string
  /** Settles with the flow's result or error, also when the flow completes after evictions. */
  readonly result: Promise<R>
  /** Resolves once the start is durable. */
  readonly started: Promise<void>
}

export interface StartOptions {
  /** Use this id instead of a random one (must be unique on the node). */
  readonly flowId?: string
}

export interface NodeStats {
  /** Flows in memory. */
  readonly loaded: number
  readonly evictions: number
  readonly rehydrations: number
  /** Sent messages not yet acknowledged by their receiver. */
  readonly unacknowledged: number
  readonly transactions: number
}

export interface Node {
  readonly name: string
  /** Resolves when every flow found unfinished at open has been replayed to its first live wait (or ended). */
  readonly recovered: Promise<void>
  /** Flow started, session action committed, flow ended: as they happen (completes when the node stops). */
  readonly events: Observable<FlowEvent>
  startFlow<A, R>(flow: Flow<A, R>, args: A, options?: StartOptions): FlowHandle<R>
  /** The result of a flow started earlier, e.g. before a restart. */
  resultOf(flowId: string): Promise<unknown>
  /** A flow's stored status: running, or finished and kept (keepFinishedFlows); undefined when the store has no such flow. */
  flowStatus(flowId: string): Promise<FlowStatus | undefined>
  /** The unfinished flows in the store (parked ones included), oldest first, with their sessions. */
  unfinishedFlows(): Promise<UnfinishedFlow[]>
  /** Row counts of the store's tables, for diagnostics and tests. */
  tableCounts(): Promise<TableCounts>
  /** Resolves once everything this node queued so far is committed. */
  committed(): Promise<void>
  /**
   * Drain mode only: resolves once no flow this build can run is in flight, listing the flows left
   * parked. Rejects when the node does not run in drain mode, or stops before it drained.
   */
  readonly drained: Promise<DrainReport>
  /**
   * Ends an unfinished flow as an operator would (Corda's killFlow), whether it is in memory, evicted or
   * parked: its result rejects with FlowKilledError, the counterparties of its open sessions get
   * UnexpectedFlowEndError at their next interaction, and its rows leave the store. Resolves false when
   * no unfinished flow has that id, or the flow is already ending.
   */
  killFlow(flowId: string): Promise<boolean>
  /**
   * Removes the outcome kept for a finished flow (keepFinishedFlows), with its row and journal: resultOf then
   * answers as for a flow that never ran here, and the id may be used again. Resolves false when no outcome
   * is kept for that id; rejects with FlowRunningError for a flow that has not finished.
   */
  removeOutcome(flowId: string): Promise<boolean>
  /** Flows in the store this build cannot run (see ParkedFlow); they stay until a build that can runs them, or killFlow. */
  parkedFlows(): ParkedFlow[]
  readonly stats: NodeStats
  /** Commits what is pending, leaves the network and closes the store. */
  stop(): Promise<void>
  /** Stops at once without committing anything pending: what kill -9 leaves behind. */
  crash(): void
}
