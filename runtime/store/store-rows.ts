/**
 * The rows a flow store holds, as the engine reads them back. Payloads (arguments, journal entries, inbox
 * events, envelopes) are opaque bytes encoded by store/codec.ts (kept outcomes are versioned JSON text,
 * store/stored-outcome.ts); every backend keeps them byte for byte, so a store written by one runtime
 * version replays under the next.
 */

export interface FlowRow {
  readonly id: string
  readonly name: string
  readonly kind: 'started' | 'responder'
  readonly args: Buffer | null
  readonly status: string
  readonly started_at: number
  /** The client id it was started with, and by whom ('' in process); null for flows started without one. */
  readonly client_id?: string | null
  readonly owner?: string | null
}

/** A flow as operators list it (node.listFlows): its row without arguments, with its client id and progress. */
export interface FlowListRow {
  readonly id: string
  readonly name: string
  readonly kind: 'started' | 'responder'
  readonly status: 'running' | 'done' | 'failed'
  readonly started_at: number
  readonly client_id: string | null
  readonly owner: string | null
  /** The progress step path as JSON text (labels, root first); null when the flow reported none. */
  readonly progress: string | null
  /** What the flow waited for when it was last evicted (JSON text); null when it never was. */
  readonly waiting: string | null
}

/** Which flows node.listFlows asks the store for; every field narrows, none given lists every flow. */
export interface FlowListQuery {
  readonly status?: 'running' | 'done' | 'failed'
  readonly name?: string
  readonly clientId?: string
  readonly owner?: string
  /** Started at or after this time (epoch ms). */
  readonly startedSince?: number
}

/** A signal a flow was sent (node.signal) for an event it waits for, or will. */
export interface SignalRow {
  readonly flow_id: string
  readonly name: string
  readonly payload: Buffer
}

export interface SessionRow {
  readonly key: string
  readonly flow_id: string
  readonly peer: string
  readonly protocol: string
  readonly version: number | null
  /** `held`: an initiator's session still opening whose init the responder's hospital keeps (`reason` says why). */
  readonly status: 'opening' | 'held' | 'open' | 'rejected'
  /** Why it was rejected, or why the responder holds its init. */
  readonly reason: string | null
  /** Definition hash of the negotiated version as this side runs it; null until the handshake completed. */
  readonly hash: string | null
}

export interface JournalRow {
  readonly key: string
  readonly entry: Buffer
}

export interface InboxRow {
  readonly session_key: string
  readonly seq: number
  readonly event: Buffer
}

export interface OutboxRow {
  readonly id: string
  readonly session_key: string
  readonly envelope: Buffer
}

export interface TimerRow {
  readonly flow_id: string
  readonly key: string
  readonly due: number
}

/** Row counts per table, for tests and diagnostics. */
export type TableCounts = Record<'flows' | 'journal' | 'sessions' | 'inbox' | 'outbox' | 'processed' | 'timers', number>

/** An unfinished flow as operators list it: what it is, since when, and with whom it has sessions. */
export interface UnfinishedFlow {
  readonly id: string
  readonly name: string
  readonly kind: string
  readonly startedAt: number
  readonly sessions: readonly { readonly peer: string; readonly protocol: string; readonly version: number | null; readonly status: string }[]
}

/** A flow's row as status questions see it: running, or finished and kept with its outcome. */
export interface FlowStatus {
  readonly id: string
  readonly name: string
  readonly kind: 'started' | 'responder'
  readonly status: 'running' | 'done' | 'failed'
  readonly startedAt: number
  /** The client id the flow was started with (node.startFlow with clientId), and its owner ('' in process). */
  readonly clientId?: string
  readonly owner?: string
  /** The current progress step as last recorded: labels from the flow's own tracker down to the deepest current step. */
  readonly progress?: readonly string[]
}

/**
 * One admission of a flow to the hospital (engine/hospital/): when, the error (class, code, message, and
 * the stack for local errors), which staff member diagnosed it, what it found and decided, and how often
 * the flow was retried at that point before. `point` is how many journal entries the flow had recorded
 * when it failed (the same point means the same place in its code).
 */
export interface AdmissionRow {
  readonly flow_id: string
  readonly flow_name: string
  readonly at: number
  readonly error_class: string
  readonly error_code: string | null
  readonly error_message: string
  readonly error_stack: string | null
  readonly staff: string
  readonly diagnosis: string
  readonly decision: 'retry' | 'observe' | 'propagate'
  readonly retries: number
  readonly point: number
}

/** A session init kept for observation (its protocol has no responder here): the envelope as it arrived. */
export interface HeldInitRow {
  /** `<sender>:<message id>` (engine/session-key.ts peerMessageKey), as the processed row that dedups it. */
  readonly id: string
  readonly sender: string
  readonly protocol: string
  readonly session: string
  /** The init envelope, encoded (store/codec.ts). */
  readonly envelope: Buffer
  readonly at: number
  readonly reason: string
}
