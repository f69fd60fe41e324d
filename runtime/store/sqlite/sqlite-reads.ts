/**
 * The read side of the SQLite store: committed state, synchronous. Statements are prepared on first
 * use, so a read-only look at a store (the `colloquy flows` listing) prepares only what it asks.
 */
import Database from 'better-sqlite3'
import type { FlowRow, FlowStatus, InboxRow, JournalRow, OutboxRow, SessionRow, TableCounts, TimerRow, UnfinishedFlow } from '../store-rows.js'

type Statement = Database.Statement

export class SqliteReads {
  private flowQuery: Statement | undefined
  private journalQuery: Statement | undefined
  private sessionsQuery: Statement | undefined
  private inboxQuery: Statement | undefined
  private sessionFlowQuery: Statement | undefined
  private outboxQuery: Statement | undefined
  private runningCountQuery: Statement | undefined
  private processedQuery: Statement | undefined

  constructor(readonly db: Database.Database) {}

  /** Opens a store file for reading only (no migration, no writes), e.g. while listing flows. */
  static openReadOnly(path: string): SqliteReads {
    return new SqliteReads(new Database(path, { readonly: true, fileMustExist: true }))
  }

  /** Closes the connection (a read-only look is done). */
  close(): void {
    if (this.db.open) this.db.close()
  }

  runningFlows(): FlowRow[] {
    return this.db.prepare(`SELECT id, name, kind, args, status, started_at FROM flows WHERE status = 'running' ORDER BY started_at, id`).all() as FlowRow[]
  }

  flow(id: string): FlowRow | undefined {
    return (this.flowQuery ??= this.db.prepare(`SELECT id, name, kind, args, status, started_at FROM flows WHERE id = ?`)).get(id) as FlowRow | undefined
  }

  outcomeOf(id: string): Buffer | undefined {
    return (this.db.prepare('SELECT outcome FROM flows WHERE id = ?').get(id) as { outcome: Buffer | null } | undefined)?.outcome ?? undefined
  }

  flowStatus(id: string): FlowStatus | undefined {
    const row = this.flow(id)
    return row && { id: row.id, name: row.name, kind: row.kind, status: row.status as FlowStatus['status'], startedAt: row.started_at }
  }

  journalOf(flowId: string): JournalRow[] {
    return (this.journalQuery ??= this.db.prepare(`SELECT key, entry FROM journal WHERE flow_id = ?`)).all(flowId) as JournalRow[]
  }

  allJournals(): Map<string, JournalRow[]> {
    return groupBy(this.db.prepare(`SELECT flow_id, key, entry FROM journal`).all() as (JournalRow & { flow_id: string })[])
  }

  sessionsOf(flowId: string): SessionRow[] {
    return (this.sessionsQuery ??= this.db.prepare(`SELECT key, flow_id, peer, protocol, version, status, reason, hash FROM sessions WHERE flow_id = ?`)).all(
      flowId,
    ) as SessionRow[]
  }

  allSessions(): Map<string, SessionRow[]> {
    return groupBy(this.db.prepare(`SELECT key, flow_id, peer, protocol, version, status, reason, hash FROM sessions`).all() as SessionRow[])
  }

  inboxOf(flowId: string): InboxRow[] {
    return (this.inboxQuery ??= this.db.prepare(`SELECT session_key, seq, event FROM inbox WHERE flow_id = ?`)).all(flowId) as InboxRow[]
  }

  allInboxes(): Map<string, InboxRow[]> {
    return groupBy(this.db.prepare(`SELECT session_key, seq, flow_id, event FROM inbox`).all() as (InboxRow & { flow_id: string })[])
  }

  sessionFlow(key: string): string | undefined {
    return ((this.sessionFlowQuery ??= this.db.prepare(`SELECT flow_id FROM sessions WHERE key = ?`)).get(key) as { flow_id: string } | undefined)?.flow_id
  }

  outbox(): OutboxRow[] {
    return this.db.prepare(`SELECT id, session_key, envelope FROM outbox ORDER BY rowid`).all() as OutboxRow[]
  }

  outboxOf(sessionKey: string): OutboxRow[] {
    return (this.outboxQuery ??= this.db.prepare(`SELECT id, session_key, envelope FROM outbox WHERE session_key = ? ORDER BY rowid`)).all(
      sessionKey,
    ) as OutboxRow[]
  }

  runningFlowCount(): number {
    return ((this.runningCountQuery ??= this.db.prepare(`SELECT count(*) AS n FROM flows WHERE status = 'running'`)).get() as { n: number }).n
  }

  unfinishedFlows(): UnfinishedFlow[] {
    const flows = this.db.prepare(`SELECT id, name, kind, started_at FROM flows WHERE status = 'running' ORDER BY started_at, id`).all() as {
      id: string
      name: string
      kind: string
      started_at: number
    }[]
    const sessions = this.db.prepare(`SELECT peer, protocol, version, status FROM sessions WHERE flow_id = ? ORDER BY key`)
    return flows.map((f) => ({ id: f.id, name: f.name, kind: f.kind, startedAt: f.started_at, sessions: sessions.all(f.id) as UnfinishedFlow['sessions'] }))
  }

  timers(): TimerRow[] {
    return this.db.prepare(`SELECT flow_id, key, due FROM timers`).all() as TimerRow[]
  }

  isProcessed(id: string): boolean {
    return (this.processedQuery ??= this.db.prepare(`SELECT 1 FROM processed WHERE id = ?`)).get(id) !== undefined
  }

  counts(): TableCounts {
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
