/** The public face of a node: what `createNode` resolves with, and the values its methods return. */
import type { NodeHospital, PatientState } from './hospital/hospital-api.js'
import type { Observable } from 'rxjs'
import type { StateTable } from '../protocol/ir/state-table.js'
import type { FlowStatus, TableCounts, UnfinishedFlow } from '../store/store-rows.js'
import type { Flow } from './flow.js'
import type { FlowEvent, ProgressUpdate } from './flow-events.js'
import type { FlowMessageHistory } from './message-history.js'
import type { WaitingFor } from './waiting-for.js'

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
  /** The client id the flow was started (or found) with. */
  readonly clientId?: string
  /** Settles with the flow's result or error, also when the flow completes after evictions. */
  readonly result: Promise<R>
  /** Resolves once the start is durable. */
  readonly started: Promise<void>
}

export interface StartOptions {
  /** Use this id instead of a random one (must be unique on the node). */
  readonly flowId?: string
  /**
   * A client-provided id (Corda's startFlowWithClientId): no flow with it yet starts one and records the
   * id; a flow running with it returns its handle (these arguments are ignored); a finished one returns its
   * kept result or error, until removeClientId. Concurrent starts with one id run one flow.
   */
  readonly clientId?: string
  /** Who starts the flow: client ids are scoped per owner ('' or undefined: in process; the RPC layer passes its user). */
  readonly owner?: string
}

/** A flow as node.listFlows shows it: `waiting` is a running flow whose every branch waits (or that was evicted). */
/** `hospitalized`: running, but kept by the node's hospital (observed, or waiting for its retry). */
export type FlowState = 'running' | 'waiting' | 'hospitalized' | 'finished' | 'failed'

export interface FlowListFilter {
  readonly state?: FlowState
  readonly flowName?: string
  readonly clientId?: string
  /** Started at or after this time (epoch ms). */
  readonly startedSince?: number
  /** Only flows this owner started (undefined: every flow, also those started without an owner). */
  readonly owner?: string
}

export interface FlowSummary {
  readonly flowId: string
  readonly flowName: string
  readonly kind: 'started' | 'responder'
  readonly state: FlowState
  readonly startedAt: number
  readonly clientId?: string
  readonly owner?: string
  /** Labels from the current progress step down, when the flow reports progress. */
  readonly progress?: readonly string[]
  /** What it waits for now (the first of its waits), when it waits. */
  readonly waitingFor?: WaitingFor
}

/** A flow's status with what it waits for right now. */
export interface FlowStatusReport extends FlowStatus {
  /** The first of `waits`; absent when the flow does not wait (running its own code, or finished). */
  readonly waitingFor?: WaitingFor
  /** Every branch's wait (concurrent sessions wait together). */
  readonly waits?: readonly WaitingFor[]
  /** Where the flow stands in the hospital, when it was admitted (node.hospital.show has its admissions). */
  readonly hospital?: PatientState
}

/** What node.signal did with a signal: handed it to the waiting flow, kept it for a later wait, or found one already there. */
export interface SignalOutcome {
  readonly status: 'delivered' | 'pending' | 'duplicate'
}

/** A protocol version this node's code declares (node.protocols). */
export interface DeclaredProtocolVersion {
  readonly protocol: string
  readonly version: number
  /** The definition hash peers compare at the handshake. */
  readonly hash: string
  /** The node's flows open sessions on it (the generated object is in NodeOptions.protocols). */
  readonly initiates: boolean
  /** A responder registered on the node answers it. */
  readonly responds: boolean
  /** Its state table (roles, messages, choices), when the generated object is in NodeOptions.protocols. */
  readonly table?: StateTable
}

/** Another party of the network as the node sees it (node.peers). */
export interface PeerStatus {
  readonly party: string
  /** connected, connecting (dialling or waiting to retry), down; unknown when the transport does not say. */
  readonly connection: 'connected' | 'connecting' | 'down' | 'unknown'
  /** Where the transport reaches it (the network map's address), when it says. */
  readonly address?: string
  /** Messages sent to it and not yet acknowledged. */
  readonly outbox: number
  /** When it last acknowledged a message (epoch ms on the node's clock), since the node started. */
  readonly lastAcknowledgedAt?: number
  /** What went wrong with it last, as the transport tells. */
  readonly lastError?: string
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
  /**
   * Starts a flow registered with the node (createNode `flows`) by its name; its schema checks the
   * arguments before anything is stored. An unknown name throws UnknownFlowError naming the closest one.
   */
  startFlowByName(name: string, args: unknown, options?: StartOptions): FlowHandle<unknown>
  /** The names of the flows this node can start, sorted. */
  flowNames(): string[]
  /** The flow an owner started with this client id: its handle (running or finished), or null when there is none. */
  reattachFlow(clientId: string, owner?: string): Promise<FlowHandle<unknown> | null>
  /**
   * Forgets a client id whose flow finished, with its kept outcome: true once removed (the next start with
   * the id runs a new flow); false while the flow runs, or when the owner has no such id.
   */
  removeClientId(clientId: string, owner?: string): Promise<boolean>
  /** The owner's client ids whose flows finished: true when the flow succeeded, false when it failed or was killed. */
  finishedFlowsWithClientIds(owner?: string): Promise<Record<string, boolean>>
  /** Flows in the store (running, and finished ones kept), oldest first, narrowed by `filter`. */
  listFlows(filter?: FlowListFilter): Promise<FlowSummary[]>
  /**
   * The progress of a flow: its current state first (also to a late subscriber), then every change;
   * completes after DONE, or with an `ended` update when the flow fails or is killed. Errors with
   * FlowNotFoundError for a flow the node does not know.
   */
  progress(flowId: string): Observable<ProgressUpdate>
  /**
   * Delivers an external event to a flow (ctx.waitFor): a flow waiting for `name` gets `payload` once its
   * schema accepts it (else InvalidSignalError, and nothing is kept); a flow not waiting yet gets it when it
   * does. Durable once resolved; a second signal for a name is a `duplicate` and changes nothing. Rejects with
   * FlowNotFoundError when no running flow has that id.
   */
  signal(flowId: string, name: string, payload: unknown): Promise<SignalOutcome>
  /** The result of a flow started earlier, e.g. before a restart. */
  resultOf(flowId: string): Promise<unknown>
  /**
   * A flow's status: running (with what it waits for and its progress), or finished and kept
   * (keepFinishedFlows, or started with a client id); undefined when the store has no such flow.
   */
  flowStatus(flowId: string): Promise<FlowStatusReport | undefined>
  /**
   * The messages a running flow sent and received, as its journal records them, in order: direction,
   * counterparty, session, protocol version, step label, and the payload while the store holds it (every
   * received one; a sent one until the peer acknowledged it). A finished flow has none left (`finished`).
   * Rejects with FlowNotFoundError when the store has no such flow.
   */
  flowMessages(flowId: string): Promise<FlowMessageHistory>
  /** The unfinished flows in the store (parked ones included), oldest first, with their sessions. */
  unfinishedFlows(): Promise<UnfinishedFlow[]>
  /** Every protocol version this node's code declares (responders, and NodeOptions.protocols), by protocol and version. */
  protocols(): DeclaredProtocolVersion[]
  /** The network's other parties: connection, address, unacknowledged messages, last acknowledgement and error. */
  peers(): PeerStatus[]
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
  /** The flow hospital: the flows it keeps or retries, held session inits, and the operator's actions on them. */
  readonly hospital: NodeHospital
  /** Flows in the store this build cannot run (see ParkedFlow); they stay until a build that can runs them, or killFlow. */
  parkedFlows(): ParkedFlow[]
  readonly stats: NodeStats
  /** Commits what is pending, leaves the network and closes the store; resolves once the store committed its last batch and closed. */
  stop(): Promise<void>
  /** Stops at once without committing anything pending: what kill -9 leaves behind. */
  crash(): void
}
