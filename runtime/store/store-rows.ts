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
}

export interface SessionRow {
  readonly key: string
  readonly flow_id: string
  readonly peer: string
  readonly protocol: string
  readonly version: number | null
  readonly status: 'opening' | 'open' | 'rejected'
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
}
