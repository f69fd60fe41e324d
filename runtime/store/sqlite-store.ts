/**
 * The node's durable state on better-sqlite3. Reads are synchronous; every write goes through group
 * commit. `durability: 'full'` (the default) survives kill -9 and power loss: WAL with synchronous=FULL
 * fsyncs every commit. `durability: 'fast'` uses synchronous=NORMAL: still safe against a process crash,
 * but the last commits before a power loss or OS crash may be lost.
 */
import Database from 'better-sqlite3'
import { GroupCommit } from './group-commit.js'
import { SCHEMA_VERSION, migrations, schemaSql } from './schema.js'

export type Durability = 'full' | 'fast'

export interface StoreOptions {
  /** 'full' (default): synchronous=FULL; 'fast': synchronous=NORMAL, may lose the last commits on power loss. */
  readonly durability?: Durability
  /** Called when a commit fails; the store refuses further writes afterwards. */
  readonly onFailure?: (error: unknown) => void
}

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

export class FlowStore {
  readonly db: Database.Database
  readonly commits: GroupCommit
  readonly path: string
  private readonly s

  constructor(path: string, options: StoreOptions = {}) {
    this.path = path
    this.db = new Database(path)
    this.db.pragma('journal_mode = WAL')
    this.db.pragma(`synchronous = ${options.durability === 'fast' ? 'NORMAL' : 'FULL'}`)
    this.migrate(path)
    this.commits = new GroupCommit(this.db, options.onFailure ?? (() => {}))
    const p = (sql: string) => this.db.prepare(sql)
    this.s = {
      insertFlow: p(`INSERT INTO flows (id, name, kind, args, status, started_at) VALUES (?, ?, ?, ?, 'running', ?)`),
      finishFlow: p(`UPDATE flows SET status = ?, outcome = ? WHERE id = ?`),
      deleteFlow: p(`DELETE FROM flows WHERE id = ?`),
      putJournal: p(`INSERT OR REPLACE INTO journal (flow_id, key, entry) VALUES (?, ?, ?)`),
      deleteJournal: p(`DELETE FROM journal WHERE flow_id = ?`),
      putSession: p(`INSERT OR REPLACE INTO sessions (key, flow_id, peer, protocol, version, status, reason, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      updateSession: p(`UPDATE sessions SET status = ?, version = ?, reason = ?, hash = ? WHERE key = ?`),
      deleteSessions: p(`DELETE FROM sessions WHERE flow_id = ?`),
      putInbox: p(`INSERT OR IGNORE INTO inbox (session_key, seq, flow_id, event) VALUES (?, ?, ?, ?)`),
      deleteInbox: p(`DELETE FROM inbox WHERE flow_id = ?`),
      putOutbox: p(`INSERT OR REPLACE INTO outbox (id, session_key, envelope) VALUES (?, ?, ?)`),
      deleteOutbox: p(`DELETE FROM outbox WHERE id = ?`),
      putProcessed: p(`INSERT OR IGNORE INTO processed (id, at) VALUES (?, ?)`),
      putTimer: p(`INSERT OR REPLACE INTO timers (flow_id, key, due) VALUES (?, ?, ?)`),
      deleteTimer: p(`DELETE FROM timers WHERE flow_id = ? AND key = ?`),
      deleteTimers: p(`DELETE FROM timers WHERE flow_id = ?`),
      flow: p(`SELECT id, name, kind, args, status, started_at FROM flows WHERE id = ?`),
      journalOf: p(`SELECT key, entry FROM journal WHERE flow_id = ?`),
      sessionsOf: p(`SELECT key, flow_id, peer, protocol, version, status, reason, hash FROM sessions WHERE flow_id = ?`),
      inboxOf: p(`SELECT session_key, seq, event FROM inbox WHERE flow_id = ?`),
      sessionFlow: p(`SELECT flow_id FROM sessions WHERE key = ?`),
      outboxOf: p(`SELECT id, session_key, envelope FROM outbox WHERE session_key = ? ORDER BY rowid`),
      runningCount: p(`SELECT count(*) AS n FROM flows WHERE status = 'running'`),
      processed: p(`SELECT 1 FROM processed WHERE id = ?`),
      purgeProcessed: p(`DELETE FROM processed WHERE at < ?`),
    }
  }

  /** Creates the tables, or brings a store written by an earlier version up to date in one transaction. */
  private migrate(path: string): void {
    const read = () => (this.db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).get() as { value: string } | undefined)?.value
    const hasMeta = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).get() !== undefined
    const found = hasMeta ? read() : undefined
    if (found === undefined) {
      this.db.exec(schemaSql)
      if (read() === undefined) this.db.prepare(`INSERT INTO meta (key, value) VALUES ('schema', ?)`).run(String(SCHEMA_VERSION))
      return
    }
    let version = Number(found)
    if (version > SCHEMA_VERSION) {
      throw new Error(`The store ${path} has schema version ${version}, newer than this runtime's ${SCHEMA_VERSION}; open it with the Colloquy version that wrote it, or a later one.`)
    }
    this.db.transaction(() => {
      for (; version < SCHEMA_VERSION; version++) {
        const step = migrations[version]
        if (!step) throw new Error(`The store ${path} has schema version ${version}, which this runtime cannot upgrade; open it with a matching Colloquy version.`)
        this.db.exec(step)
      }
      this.db.prepare(`UPDATE meta SET value = ? WHERE key = 'schema'`).run(String(SCHEMA_VERSION))
    })()
  }

  // ---- writes (queued into the current group-commit batch) ----

  insertFlow(id: string, name: string, kind: 'started' | 'responder', args: Buffer | null, startedAt: number): number {
    return this.commits.add(this.s.insertFlow, [id, name, kind, args, startedAt])
  }

  putJournal(flowId: string, key: string, entry: Buffer): number {
    return this.commits.add(this.s.putJournal, [flowId, key, entry])
  }

  putSession(row: SessionRow): number {
    return this.commits.add(this.s.putSession, [row.key, row.flow_id, row.peer, row.protocol, row.version, row.status, row.reason, row.hash])
  }

  updateSession(key: string, status: SessionRow['status'], version: number | null, reason: string | null, hash: string | null): number {
    return this.commits.add(this.s.updateSession, [status, version, reason, hash, key])
  }

  putInbox(sessionKey: string, seq: number, flowId: string, event: Buffer): number {
    return this.commits.add(this.s.putInbox, [sessionKey, seq, flowId, event])
  }

  putOutbox(id: string, sessionKey: string, envelope: Buffer): number {
    return this.commits.add(this.s.putOutbox, [id, sessionKey, envelope])
  }

  deleteOutbox(id: string): number {
    return this.commits.add(this.s.deleteOutbox, [id])
  }

  /** The receiver acknowledged the message: its row goes with the next commit (a crash before that re-sends a duplicate the receiver drops). */
  deleteAcknowledged(id: string): void {
    this.commits.addLazily(this.s.deleteOutbox, [id])
  }

  putProcessed(id: string, at: number): number {
    return this.commits.add(this.s.putProcessed, [id, at])
  }

  putTimer(flowId: string, key: string, due: number): number {
    return this.commits.add(this.s.putTimer, [flowId, key, due])
  }

  deleteTimer(flowId: string, key: string): number {
    return this.commits.add(this.s.deleteTimer, [flowId, key])
  }

  /**
   * Removes a finished flow's journal, sessions, inbox and timers. With `retain`, the flow row stays with
   * its status and encoded outcome (and the journal stays too, for inspection).
   */
  finishFlow(flowId: string, retain: { status: 'done' | 'failed'; outcome: Buffer; keepJournal: boolean } | null, touched: { inbox: boolean; timers: boolean }): number {
    if (!retain?.keepJournal) this.commits.add(this.s.deleteJournal, [flowId])
    this.commits.add(this.s.deleteSessions, [flowId])
    if (touched.inbox) this.commits.add(this.s.deleteInbox, [flowId])
    if (touched.timers) this.commits.add(this.s.deleteTimers, [flowId])
    if (retain) return this.commits.add(this.s.finishFlow, [retain.status, retain.outcome, flowId])
    return this.commits.add(this.s.deleteFlow, [flowId])
  }

  // ---- reads (committed state only) ----

  runningFlows(): FlowRow[] {
    return this.db.prepare(`SELECT id, name, kind, args, status, started_at FROM flows WHERE status = 'running' ORDER BY started_at, id`).all() as FlowRow[]
  }

  flow(id: string): FlowRow | undefined {
    return this.s.flow.get(id) as FlowRow | undefined
  }

  journalOf(flowId: string): { key: string; entry: Buffer }[] {
    return this.s.journalOf.all(flowId) as { key: string; entry: Buffer }[]
  }

  /** Every running flow's journal, grouped by flow id (one query, for recovery). */
  allJournals(): Map<string, { key: string; entry: Buffer }[]> {
    return groupBy(this.db.prepare(`SELECT flow_id, key, entry FROM journal`).all() as { flow_id: string; key: string; entry: Buffer }[])
  }

  sessionsOf(flowId: string): SessionRow[] {
    return this.s.sessionsOf.all(flowId) as SessionRow[]
  }

  allSessions(): Map<string, SessionRow[]> {
    return groupBy(this.db.prepare(`SELECT key, flow_id, peer, protocol, version, status, reason, hash FROM sessions`).all() as SessionRow[])
  }

  inboxOf(flowId: string): InboxRow[] {
    return this.s.inboxOf.all(flowId) as InboxRow[]
  }

  allInboxes(): Map<string, InboxRow[]> {
    return groupBy(this.db.prepare(`SELECT session_key, seq, flow_id, event FROM inbox`).all() as (InboxRow & { flow_id: string })[])
  }

  sessionFlow(key: string): string | undefined {
    return (this.s.sessionFlow.get(key) as { flow_id: string } | undefined)?.flow_id
  }

  outbox(): OutboxRow[] {
    return this.db.prepare(`SELECT id, session_key, envelope FROM outbox ORDER BY rowid`).all() as OutboxRow[]
  }

  /** A session's messages not yet acknowledged by the peer, in the order they were queued. */
  outboxOf(sessionKey: string): OutboxRow[] {
    return this.s.outboxOf.all(sessionKey) as OutboxRow[]
  }

  /** Unfinished flows: what a draining node waits for. */
  runningFlowCount(): number {
    return (this.s.runningCount.get() as { n: number }).n
  }

  timers(): TimerRow[] {
    return this.db.prepare(`SELECT flow_id, key, due FROM timers`).all() as TimerRow[]
  }

  isProcessed(id: string): boolean {
    return this.s.processed.get(id) !== undefined
  }

  purgeProcessed(before: number): void {
    this.s.purgeProcessed.run(before)
  }

  /** Row counts per table, for tests and diagnostics. */
  counts(): Record<'flows' | 'journal' | 'sessions' | 'inbox' | 'outbox' | 'processed' | 'timers', number> {
    const count = (table: string) => (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
    return {
      flows: count('flows'),
      journal: count('journal'),
      sessions: count('sessions'),
      inbox: count('inbox'),
      outbox: count('outbox'),
      processed: count('processed'),
      timers: count('timers'),
    }
  }

  /** Commits pending writes and closes the file. */
  close(): void {
    if (!this.db.open) return
    this.commits.flush()
    this.commits.abandon()
    this.db.close()
  }

  /** Closes the file without committing pending writes, as kill -9 would. */
  crash(): void {
    this.commits.abandon()
    if (this.db.open) this.db.close()
  }
}

function groupBy<R extends { flow_id: string }>(rows: R[]): Map<string, R[]> {
  const out = new Map<string, R[]>()
  for (const row of rows) {
    const list = out.get(row.flow_id)
    if (list) list.push(row)
    else out.set(row.flow_id, [row])
  }
  return out
}
