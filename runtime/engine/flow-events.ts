import type { ProgressTree } from './progress-tracker.js'

/**
 * What a node reports about its flows and sessions, on `node.events` (and the onFlowEnd and
 * onSessionAction options): a flow started, a session action became durable, a flow ended. Progress
 * tracking extends this union.
 */

/** A flow's start is durable: started here, or a responder flow answering a peer's session. */
export interface FlowStartedEvent {
  readonly node: string
  readonly flowId: string
  readonly name: string
  readonly kind: 'started' | 'responder'
}

/** A session action as operators see it: which node, flow and protocol step. */
export interface SessionAction {
  readonly node: string
  readonly flowId: string
  readonly flowName: string
  readonly protocol: string
  readonly version: number
  readonly role: 'initiator' | 'responder'
  readonly counterparty: string
  /** `held`: the counterparty's flow hospital holds this initiator's init (not an answer; `reason` says why). */
  readonly action: 'send' | 'receive' | 'end' | 'held'
  /** The message or choice label (inlined sub-protocol labels are prefixed: `signatures.proposal`); null for end and held. */
  readonly label: string | null
  /** For `held`: the reason the counterparty gave. */
  readonly reason?: string
}

export interface FlowEndEvent {
  readonly flowId: string
  readonly name: string
  readonly kind: 'started' | 'responder'
  readonly ok: boolean
  readonly result?: unknown
  readonly error?: unknown
}

/**
 * A flow's progress (ctx.progress) changed, or is reported as it stands (`current`: the first update a
 * subscriber of node.progress gets, and the one a flow reports when it resumes after a restart). `ended`:
 * the flow ended without reaching DONE (it failed or was killed). `done` marks the last update of a flow.
 */
export interface ProgressUpdate {
  readonly node: string
  readonly flowId: string
  readonly flowName: string
  /** Rises with each update of the flow while the node runs (from 1 again after a restart): a follower skips what it saw. */
  readonly seq: number
  readonly change: 'current' | 'position' | 'structure' | 'label' | 'ended'
  /** Labels from the flow's current step down through the current steps of its child trackers. */
  readonly path: readonly string[]
  readonly tree: ProgressTree
  readonly done: boolean
}

export type FlowEvent =
  | { readonly type: 'flow-started'; readonly flow: FlowStartedEvent }
  | { readonly type: 'session-action'; readonly action: SessionAction }
  | { readonly type: 'flow-progress'; readonly progress: ProgressUpdate }
  | { readonly type: 'flow-ended'; readonly end: FlowEndEvent }

/** The session an action happened on, as the event needs it. */
export interface ObservedSession {
  readonly protocol: string
  readonly version: number
  readonly direction: 'initiator' | 'responder'
  readonly counterparty: string
}

/** Where sessions report their live (not replayed) actions. */
export interface SessionActionSink {
  /** Reports the action once the current batch commits; free when nobody listens. */
  sessionAction(
    flow: { readonly flowId: string; readonly name: string },
    session: ObservedSession,
    action: SessionAction['action'],
    label: string | null,
    reason?: string,
  ): void
}
