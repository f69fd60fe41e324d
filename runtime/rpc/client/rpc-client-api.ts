/** What the typed RPC client offers (`connect` resolves with one); implemented over a socket in rpc-client.ts. */
import type { Observable } from 'rxjs'
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
import type { StateMachineUpdate } from '../rpc-protocol.js'
import type { RpcHospital } from './rpc-hospital.js'
import type { ConnectionState } from './rpc-socket.js'

export interface RpcFlowHandle<R = unknown> {
  readonly flowId: string
  /** The client id it was started with, if any. */
  readonly clientId?: string
  /** Settles with the flow's result or its error (the same class, code, type and details as on the node). */
  readonly result: Promise<R>
}

export interface TrackedFlowHandle<R = unknown> extends RpcFlowHandle<R> {
  /** The flow's progress: the current state first, then every change; completes when the flow ends. */
  readonly progress: Observable<ProgressUpdate>
}

export interface StartFlowOptions {
  /**
   * Your own id for the start: a second start with it (also after a restart) returns the same flow, a
   * finished one with its outcome, until removeClientId.
   */
  readonly clientId?: string
}

/**
 * A flow by its name, or by its definition (`flow(name, schema, fn)`, imported from the app's code) so
 * that its arguments and result are typed.
 */
export type FlowReference<A, R> = string | { readonly name: string; readonly run: (context: never, args: A) => Promise<R> }

/** A feed item as the client sees it: an ended flow's error rebuilt as its class. */
export type FlowFeedUpdate =
  | Exclude<StateMachineUpdate, { readonly type: 'removed' }>
  | (Omit<Extract<StateMachineUpdate, { readonly type: 'removed' }>, 'error'> & { readonly error?: Error })

export interface RpcClient {
  /** The name of the node this client is connected to. */
  readonly node: string
  /** connected, reconnecting (after the node went away) or closed. */
  readonly connection: ConnectionState
  /** Calls `listener` on every change of `connection`; returns the function that stops it. */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void
  /** Starts a flow (permission `StartFlow.<name>`); resolves once the start is durable. */
  startFlow<A = unknown, R = unknown>(flow: FlowReference<A, R>, args: A, options?: StartFlowOptions): Promise<RpcFlowHandle<R>>
  /** startFlow with the flow's progress as an Observable. */
  startTrackedFlow<A = unknown, R = unknown>(flow: FlowReference<A, R>, args: A, options?: StartFlowOptions): Promise<TrackedFlowHandle<R>>
  /** The flow this user started with `clientId`, running or finished; null when there is none. */
  reattachFlow<R = unknown>(clientId: string): Promise<RpcFlowHandle<R> | null>
  /** Forgets a finished flow's client id and outcome: true when removed, false while it runs or when unknown. */
  removeClientId(clientId: string): Promise<boolean>
  /** This user's client ids of finished flows: true for those that succeeded, false for failed or killed. */
  finishedFlowsWithClientIds(): Promise<Record<string, boolean>>
  /** Ends a running flow as an operator; false when no unfinished flow has that id. */
  killFlow(flowId: string): Promise<boolean>
  /** Flows on the node, oldest first; with `clientId`, among this user's client ids only. */
  listFlows(filter?: Omit<FlowListFilter, 'owner'>): Promise<FlowSummary[]>
  /** Where a flow is and what it waits for; undefined when the node has no such flow. */
  flowStatus(flowId: string): Promise<FlowStatusReport | undefined>
  /**
   * The messages a running flow sent and received, in order, with the payloads the node still holds
   * (permission `InvokeRpc.flowMessages`); `finished` with none for a flow that ended; FlowNotFoundError
   * when the node has no such flow.
   */
  flowMessages(flowId: string): Promise<FlowMessageHistory>
  /** Delivers an external event a flow waits for (ctx.waitFor); safe to repeat. */
  signal(flowId: string, name: string, payload: unknown): Promise<SignalOutcome>
  /** The names of the flows the node can start. */
  flowNames(): Promise<string[]>
  /** The unfinished flows on the node with their sessions (peer, protocol, version, status), oldest first. */
  unfinishedFlows(): Promise<UnfinishedFlow[]>
  /** Every protocol version the node's code declares, with hash, roles and state table. */
  protocols(): Promise<DeclaredProtocolVersion[]>
  /** The node's peers: connection, address, unacknowledged messages, last acknowledgement and error. */
  peers(): Promise<PeerStatus[]>
  /** A flow's progress: its current state first, then every change. */
  progress(flowId: string): Observable<ProgressUpdate>
  /** Flows added, progressed and ended on the node, as they happen. */
  stateMachinesFeed(): Observable<FlowFeedUpdate>
  /** The node's flow hospital: kept flows, their admissions, retries, kills, held session inits (permissions `InvokeRpc.hospital.*`). */
  readonly hospital: RpcHospital
  /** Closes the connection; pending requests and streams fail with RpcConnectionError. */
  close(): void
}
