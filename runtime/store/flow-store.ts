/**
 * The store port: everything the engine asks of durable storage. SQLite (store/sqlite/) is the first
 * implementation; another backend (PostgreSQL) implements the same interface and the engine does not
 * change. Writes are queued into the current group-commit batch and return its number (a flow may be
 * evicted only once the batch holding its last write committed); reads see committed state only.
 * Payloads are opaque bytes (store/codec.ts): the engine encodes, the store keeps them byte for byte.
 */
import type { FlowRow, FlowStatus, InboxRow, JournalRow, OutboxRow, SessionRow, TableCounts, TimerRow, UnfinishedFlow } from './store-rows.js'

/** 'full' (default) survives power loss; 'fast' survives process crashes only. */
export type Durability = 'full' | 'fast'

/** What a finished flow leaves behind when outcomes are kept (see the node's keepFinishedFlows). */
export interface FlowRetention {
  readonly status: 'done' | 'failed'
  readonly outcome: Buffer
  readonly keepJournal: boolean
}

/** Group commit as the engine drives it: batches of writes that become durable together. */
export interface Commits {
  /** Number of the batch being filled; batches commit in order. */
  readonly pendingBatch: number
  readonly committedBatch: number
  /** Statistics for benchmarks and diagnostics. */
  readonly stats: { readonly transactions: number; readonly writes: number }
  /** Resolves once everything queued so far is committed. */
  commit(): Promise<void>
  /** Runs `fn` right after the current batch commits (after the transaction, before waiters resume). */
  afterCommit(fn: () => void): void
  /** Commits the current batch now (used on orderly stop and before an operator's kill). */
  flush(): void
}

export interface FlowStore {
  readonly commits: Commits
  /** Where the store lives (a file path, a connection), for messages. */
  readonly location: string
  /** What to do when a commit fails; the store refuses further writes afterwards. */
  onCommitFailure(handler: (error: unknown) => void): void

  // ---- writes (queued into the current batch; each returns the batch number) ----
  insertFlow(id: string, name: string, kind: 'started' | 'responder', args: Buffer | null, startedAt: number): number
  putJournal(flowId: string, key: string, entry: Buffer): number
  putSession(row: SessionRow): number
  updateSession(key: string, status: SessionRow['status'], version: number | null, reason: string | null, hash: string | null): number
  putInbox(sessionKey: string, seq: number, flowId: string, event: Buffer): number
  putOutbox(id: string, sessionKey: string, envelope: Buffer): number
  deleteOutbox(id: string): number
  /** The receiver acknowledged the message: its row goes with the next commit (a crash before that re-sends a duplicate the receiver drops). */
  deleteAcknowledged(id: string): void
  putProcessed(id: string, at: number): number
  putTimer(flowId: string, key: string, due: number): number
  deleteTimer(flowId: string, key: string): number
  /**
   * Removes a finished flow's journal, sessions, inbox and timers. With `retain`, the flow row stays with
   * its status and encoded outcome (and the journal stays too, for inspection).
   */
  finishFlow(flowId: string, retain: FlowRetention | null, touched: { inbox: boolean; timers: boolean }): number
  /** Forgets answered session inits older than `before` (the dedup window). */
  purgeProcessed(before: number): void

  // ---- reads (committed state only) ----
  runningFlows(): FlowRow[]
  flow(id: string): FlowRow | undefined
  /** The encoded outcome a finished, retained flow left; undefined when there is none. */
  outcomeOf(id: string): Buffer | undefined
  flowStatus(id: string): FlowStatus | undefined
  journalOf(flowId: string): JournalRow[]
  /** Every running flow's journal, grouped by flow id (one query, for recovery). */
  allJournals(): Map<string, JournalRow[]>
  sessionsOf(flowId: string): SessionRow[]
  allSessions(): Map<string, SessionRow[]>
  inboxOf(flowId: string): InboxRow[]
  allInboxes(): Map<string, InboxRow[]>
  sessionFlow(key: string): string | undefined
  outbox(): OutboxRow[]
  /** A session's messages not yet acknowledged by the peer, in the order they were queued. */
  outboxOf(sessionKey: string): OutboxRow[]
  /** Unfinished flows: what a draining node waits for. */
  runningFlowCount(): number
  /** Unfinished flows with their sessions, oldest first, as operators list them. */
  unfinishedFlows(): UnfinishedFlow[]
  timers(): TimerRow[]
  isProcessed(id: string): boolean
  /** Row counts per table, for tests and diagnostics. */
  counts(): TableCounts

  // ---- lifecycle ----
  /** Commits pending writes and closes the store. */
  close(): void
  /** Closes without committing pending writes, as kill -9 would. */
  crash(): void
}
