/**
 * The store port: everything the engine asks of durable storage. SQLite (store/sqlite/) is the first
 * implementation; another backend (PostgreSQL) implements the same interface and the engine does not
 * change. Writes are queued into the current group-commit batch and return its number (a flow may be
 * evicted only once the batch holding its last write committed); the batch becomes durable
 * asynchronously (`commits.commit()`). Reads see committed state only and return Promises, so a backend
 * that reads over a network (pg) implements them as they are; SQLite answers with resolved values.
 * Payloads are opaque bytes (store/codec.ts): the engine encodes, the store keeps them byte for byte;
 * kept outcomes are versioned JSON text (store/stored-outcome.ts), kept as given.
 *
 * Why reads may be asynchronous: the engine reads the store only off its hot paths (opening, rehydrating
 * an evicted flow, answering a session init, a result or status asked for a flow not in memory, kill,
 * drain). A message for a flow in memory, a send and a receive touch memory and queue writes; they never
 * await a read. Where a read is awaited, the engine keeps the invariant that made the synchronous version
 * safe in memory, decided before the first await: an init being answered is remembered by its id, so a
 * second copy waits for the first (handshake-answer.ts); one rehydration per flow id is in flight, and a
 * flow being killed is not rehydrated meanwhile (recovery.ts, kill-flow.ts); a result asked for is
 * registered before the store is read, so a flow ending during the read still settles it.
 *
 * The synchronous reads. `flowIdTaken`: `node.startFlow` is synchronous (it returns the handle) and
 * throws FlowStartError at once for a caller-given flow id that is already used. An id in memory is
 * checked there; `flowIdTaken` answers for the store, and only for a caller-given id (a fresh UUID is never
 * looked up). It must be cheap: one primary-key look-up that does no I/O beyond the local file (SQLite:
 * an indexed read of the local database, microseconds, on the caller's turn). A store that cannot answer
 * without network I/O (PostgreSQL) returns `undefined`: the engine then reserves the id in memory, reads
 * `flow(id)` asynchronously and either starts the flow or rejects the handle's `started` and `result` with
 * the same FlowStartError and the same message (engine/flow-starter.ts). That is sound because a store has
 * one writer (the node): the in-memory reservation covers starts not yet committed, the read covers the
 * rest. When flows are leased between worker processes, the check moves into the start's durable insert
 * (a primary-key conflict at commit rejects `started` and `result` the same way); the engine's contract
 * with the caller does not change. `initAnswered`, by the same rule: every new session init asks whether it
 * was answered before, so a store that can tell on the caller's turn (two indexed look-ups) spares each
 * new flow's responder two awaited reads; one that cannot returns `undefined` and the engine awaits them.
 */
import type {
  AdmissionRow,
  FlowListQuery,
  FlowListRow,
  FlowRow,
  FlowStatus,
  HeldInitRow,
  InboxRow,
  JournalRow,
  OutboxRow,
  SessionRow,
  SignalRow,
  TableCounts,
  TimerRow,
  UnfinishedFlow,
} from './store-rows.js'

/** Who started a flow with a client id: the id, unique per owner ('' for in-process callers). */
export interface ClientIdentity {
  readonly clientId: string
  readonly owner: string
}

/** Who started a flow (the owner: '' in process, else the RPC user) and with which client id, if any. */
export interface FlowOrigin {
  readonly owner: string
  readonly clientId?: string
}

/** What finishFlow deletes besides the journal and sessions: only tables the flow wrote to. */
export interface TouchedTables {
  readonly inbox: boolean
  readonly timers: boolean
  readonly signals?: boolean
  /** The flow was admitted to the hospital: its admission records go with it. */
  readonly hospital?: boolean
}

/** 'full' (default) survives power loss; 'fast' survives process crashes only. */
export type Durability = 'full' | 'fast'

/** What a finished flow leaves behind when outcomes are kept (see the node's keepFinishedFlows). */
export interface FlowRetention {
  readonly status: 'done' | 'failed'
  /** Versioned JSON text (store/stored-outcome.ts), kept as text so any program can read it. */
  readonly outcome: string
  readonly keepJournal: boolean
}

/** A commit that failed (see `FlowStore.onCommitFailure`). */
export interface CommitFailure {
  /** What the backend threw (SQLite: a SqliteError with its `code`, e.g. SQLITE_FULL). */
  readonly error: unknown
  /** Failed attempts in a row, 1 for the first. */
  readonly attempts: number
  /**
   * When the store tries the batch again: it keeps the batch (nothing in it was acknowledged or reported)
   * and retries on a fault that may clear (disk full, I/O error, busy). Undefined when waiting cannot help
   * (a broken constraint, a damaged file): the store then takes no more writes.
   */
  readonly retryInMs: number | undefined
}

/** Hears of failed commits and of the first commit that succeeds after them. */
export interface CommitFaultListener {
  /** A commit failed; called for every attempt (the listener rate-limits what it logs). */
  failed(failure: CommitFailure): void
  /** A commit succeeded after `attempts` failed ones, the first of them `ms` milliseconds ago. */
  recovered(attempts: number, ms: number): void
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
  /**
   * Resolves once everything queued so far is committed, without hastening that commit: like a lazy write,
   * it rides on the next commit, or one is made within a few tens of milliseconds (an acknowledgement is
   * confirmed to the broker that carried it only once its outbox delete is durable).
   */
  commitLazily(): Promise<void>
  /** Runs `fn` right after the current batch commits (after the transaction, before waiters resume). */
  afterCommit(fn: () => void): void
  /** Commits the current batch now (used on orderly stop and before an operator's kill). */
  flush(): void
}

export interface FlowStore {
  readonly commits: Commits
  /** Where the store lives (a file path, a connection), for messages. */
  readonly location: string
  /** Who hears of failed commits (the node logs them, and stops when the store gives up). */
  onCommitFailure(listener: CommitFaultListener): void

  // ---- writes (queued into the current batch; each returns the batch number) ----
  /** With `origin`, the row records the owner and client id (a client id is unique per owner while the row exists). */
  insertFlow(id: string, name: string, kind: 'started' | 'responder', args: Buffer | null, startedAt: number, origin?: FlowOrigin): number
  putJournal(flowId: string, key: string, entry: Buffer): number
  putSession(row: SessionRow): number
  updateSession(key: string, status: SessionRow['status'], version: number | null, reason: string | null, hash: string | null): number
  putInbox(sessionKey: string, seq: number, flowId: string, event: Buffer): number
  putOutbox(id: string, sessionKey: string, envelope: Buffer): number
  deleteOutbox(id: string): number
  /** The receiver acknowledged the message: its row goes with the next commit (a crash before that re-sends a duplicate the receiver drops). */
  deleteAcknowledged(id: string): void
  /** Remembers an answered init by `<sender>:<message id>` (engine/session-key.ts `peerMessageKey`), never by the id alone. */
  putProcessed(id: string, at: number): number
  putTimer(flowId: string, key: string, due: number): number
  deleteTimer(flowId: string, key: string): number
  /**
   * Removes a finished flow's journal, sessions, inbox and timers. With `retain`, the flow row stays with
   * its status and encoded outcome (and the journal stays too, for inspection).
   */
  finishFlow(flowId: string, retain: FlowRetention | null, touched: TouchedTables): number
  /** Records the flow's current progress step path (JSON text); it rides on the next commit. */
  setProgress(flowId: string, progress: string): number
  /** Records what a flow evicted from memory waits for (JSON text), for status questions while it is out. */
  setWaiting(flowId: string, waiting: string): number
  /** Keeps a signal for an event of a flow (one per name and flow; a second one for the name is ignored). */
  putSignal(flowId: string, name: string, payload: Buffer, at: number): number
  deleteSignal(flowId: string, name: string): number
  /**
   * Removes what a finished flow kept (its row, outcome and journal); a running flow's row is left alone.
   * The engine checks first that the flow is finished and not in memory (node.removeOutcome).
   */
  removeOutcome(flowId: string): number
  /** Forgets answered session inits older than `before` (the dedup window), at once (at open, before any batch). */
  purgeProcessed(before: number): Promise<void>

  // ---- the synchronous reads (see the header: what they are for, why they must be cheap) ----
  /**
   * Whether committed state holds a flow with this id: true or false when the store can tell without
   * network I/O (SQLite), undefined when it cannot (PostgreSQL); the engine then awaits `flow(id)` instead.
   */
  flowIdTaken(id: string): boolean | undefined
  /**
   * Whether committed state shows a session init answered: its `<sender>:<message id>` processed, or its responder
   * session stored. True or false when the store can tell without network I/O (SQLite), undefined when it
   * cannot; the engine then awaits `isProcessed` and `sessionFlow` instead.
   */
  initAnswered(messageId: string, sessionKey: string): boolean | undefined
  /**
   * The flow an owner started with a client id (its row, running or kept), or null. Answered on the caller's
   * turn, because `node.startFlow` with a client id returns the handle at once: SQLite does one indexed
   * look-up; a backend that reads over a network keeps the (owner, client id) index in memory, which its one
   * writer, the node, keeps current.
   */
  clientFlow(client: ClientIdentity): FlowRow | null

  // ---- reads (committed state only; never on the engine's hot paths) ----
  runningFlows(): Promise<FlowRow[]>
  flow(id: string): Promise<FlowRow | undefined>
  /** The outcome a finished, retained flow left (versioned JSON text, store/stored-outcome.ts); undefined when there is none. */
  outcomeOf(id: string): Promise<string | undefined>
  flowStatus(id: string): Promise<FlowStatus | undefined>
  journalOf(flowId: string): Promise<JournalRow[]>
  /** Every running flow's journal, grouped by flow id (one query, for recovery). */
  allJournals(): Promise<Map<string, JournalRow[]>>
  sessionsOf(flowId: string): Promise<SessionRow[]>
  allSessions(): Promise<Map<string, SessionRow[]>>
  inboxOf(flowId: string): Promise<InboxRow[]>
  allInboxes(): Promise<Map<string, InboxRow[]>>
  sessionFlow(key: string): Promise<string | undefined>
  outbox(): Promise<OutboxRow[]>
  /** A session's messages not yet acknowledged by the peer, in the order they were queued. */
  outboxOf(sessionKey: string): Promise<OutboxRow[]>
  /** Unfinished flows: what a draining node waits for. */
  runningFlowCount(): Promise<number>
  /** Unfinished flows with their sessions, oldest first, as operators list them. */
  unfinishedFlows(): Promise<UnfinishedFlow[]>
  /** Every flow's timers, or with `flowIds` only those flows' (a worker adopting a batch, the hospital re-arming one). */
  timers(flowIds?: readonly string[]): Promise<TimerRow[]>
  /** What the flow waited for when it was last evicted (JSON text, setWaiting); undefined when nothing was recorded. */
  waitingOf(flowId: string): Promise<string | undefined>
  /** Flows matching `query`, oldest first (node.listFlows). */
  listFlows(query: FlowListQuery): Promise<FlowListRow[]>
  /** The finished flows (kept) an owner started with client ids: client id and status. */
  finishedClientFlows(owner: string): Promise<{ readonly client_id: string; readonly status: 'done' | 'failed' }[]>
  signalsOf(flowId: string): Promise<SignalRow[]>
  allSignals(): Promise<Map<string, SignalRow[]>>
  isProcessed(id: string): Promise<boolean>
  /** Row counts per table, for tests and diagnostics. */
  counts(): Promise<TableCounts>

  // ---- hospital records (engine/hospital/): admissions of flows, and session inits kept for observation ----
  /**
   * Records an admission (queued in the current batch) and keeps only the flow's latest `keepLatest`
   * admissions (a transient fault retried without limit must not grow the table without limit). The
   * records are removed with the flow (`finishFlow` with `touched.hospital`).
   */
  putAdmission(row: AdmissionRow, keepLatest: number): number
  /** The admissions of one flow, or of every flow, oldest first. */
  admissions(flowId?: string): Promise<AdmissionRow[]>
  /** Keeps a session init whose protocol has no responder here, until a responder resumes it or an operator rejects it. */
  putHeldInit(row: HeldInitRow): number
  deleteHeldInit(id: string): number
  /** The session inits kept, oldest first. */
  heldInits(): Promise<HeldInitRow[]>

  // ---- lifecycle ----
  /**
   * Commits pending writes and closes the store. A store that commits over the network (PostgreSQL) returns a
   * Promise that resolves once its last batch committed (or failed for good) and its connections are closed.
   */
  close(): void | Promise<void>
  /** Closes without committing pending writes, as kill -9 would. */
  crash(): void
}
