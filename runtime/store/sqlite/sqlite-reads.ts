/**
 * The read side of the SQLite store: committed state, read synchronously from the local file and
 * returned as resolved Promises (the port's reads are asynchronous for backends that read over a
 * network); `flowIdTaken` answers synchronously. Statements are prepared on first use, so a read-only
 * look at a store (the `colloquy flows` listing) prepares only what it asks.
 */
import Database from 'better-sqlite3'
import type { ClientIdentity } from '../flow-store.js'
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
} from '../store-rows.js'

type Statement = Database.Statement

export class SqliteReads {
  private flowQuery: Statement | undefined
  private clientQuery: Statement | undefined
  private journalQuery: Statement | undefined
  private sessionsQuery: Statement | undefined
  private inboxQuery: Statement | undefined
  private sessionFlowQuery: Statement | undefined
  private outboxQuery: Statement | undefined
  private runningCountQuery: Statement | undefined
  private processedQuery: Statement | undefined
  /** Whether rows of unknown sender (':<message id>', kept from schema 3) remain: read once, on first use. */
  private unknownSenders: boolean | undefined

  constructor(readonly db: Database.Database) {}

  /** Opens a store file for reading only (no migration, no writes), e.g. while listing flows. */
  static openReadOnly(path: string): SqliteReads {
    return new SqliteReads(new Database(path, { readonly: true, fileMustExist: true }))
  }

  /** Closes the connection (a read-only look is done). */
  close(): void {
    if (this.db.open) this.db.close()
  }

  async runningFlows(): Promise<FlowRow[]> {
    return this.db
      .prepare(`SELECT id, name, kind, args, status, started_at, client_id, owner FROM flows WHERE status = 'running' ORDER BY started_at, id`)
      .all() as FlowRow[]
  }

  async flow(id: string): Promise<FlowRow | undefined> {
    return this.flowRow(id)
  }

  /** Answered synchronously: an indexed look-up in the local file (see flow-store.ts, `flowIdTaken`). */
  flowIdTaken(id: string): boolean {
    return this.flowRow(id) !== undefined
  }

  /** Answered synchronously as well: two indexed look-ups in the local file (flow-store.ts, `initAnswered`). */
  initAnswered(messageId: string, sessionKey: string): boolean {
    return this.processedNow(messageId) || this.sessionFlowNow(sessionKey) !== undefined
  }

  private flowRow(id: string): (FlowRow & { progress: string | null }) | undefined {
    return (this.flowQuery ??= this.db.prepare(`SELECT id, name, kind, args, status, started_at, client_id, owner, progress FROM flows WHERE id = ?`)).get(
      id,
    ) as (FlowRow & { progress: string | null }) | undefined
  }

  /** Answered synchronously: one indexed look-up (flow-store.ts, `clientFlow`). */
  clientFlow(client: ClientIdentity): FlowRow | null {
    const query = (this.clientQuery ??= this.db.prepare(
      `SELECT id, name, kind, args, status, started_at, client_id, owner FROM flows WHERE owner = ? AND client_id = ?`,
    ))
    return (query.get(client.owner, client.clientId) as FlowRow | undefined) ?? null
  }

  async listFlows(query: FlowListQuery): Promise<FlowListRow[]> {
    const where: string[] = []
    const params: unknown[] = []
    const add = (clause: string, value: unknown) => {
      where.push(clause)
      params.push(value)
    }
    if (query.status !== undefined) add('status = ?', query.status)
    if (query.name !== undefined) add('name = ?', query.name)
    if (query.clientId !== undefined) add('client_id = ?', query.clientId)
    if (query.owner !== undefined) add('owner = ?', query.owner)
    if (query.startedSince !== undefined) add('started_at >= ?', query.startedSince)
    const sql = `SELECT id, name, kind, status, started_at, client_id, owner, progress, waiting FROM flows${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at, id`
    return this.db.prepare(sql).all(...params) as FlowListRow[]
  }

  async waitingOf(flowId: string): Promise<string | undefined> {
    return (this.db.prepare(`SELECT waiting FROM flows WHERE id = ?`).get(flowId) as { waiting: string | null } | undefined)?.waiting ?? undefined
  }

  async finishedClientFlows(owner: string): Promise<{ client_id: string; status: 'done' | 'failed' }[]> {
    return this.db
      .prepare(`SELECT client_id, status FROM flows WHERE owner = ? AND client_id IS NOT NULL AND status <> 'running' ORDER BY client_id`)
      .all(owner) as { client_id: string; status: 'done' | 'failed' }[]
  }

  async signalsOf(flowId: string): Promise<SignalRow[]> {
    return this.db.prepare(`SELECT flow_id, name, payload FROM signals WHERE flow_id = ?`).all(flowId) as SignalRow[]
  }

  async allSignals(): Promise<Map<string, SignalRow[]>> {
    return groupBy(this.db.prepare(`SELECT flow_id, name, payload FROM signals`).all() as SignalRow[])
  }

  async outcomeOf(id: string): Promise<string | undefined> {
    return (this.db.prepare('SELECT outcome FROM flows WHERE id = ?').get(id) as { outcome: string | null } | undefined)?.outcome ?? undefined
  }

  async flowStatus(id: string): Promise<FlowStatus | undefined> {
    const row = this.flowRow(id)
    if (!row) return undefined
    const client = row.client_id == null ? {} : { clientId: row.client_id, owner: row.owner ?? '' }
    const progress = row.progress === null ? {} : { progress: JSON.parse(row.progress) as string[] }
    return { id: row.id, name: row.name, kind: row.kind, status: row.status as FlowStatus['status'], startedAt: row.started_at, ...client, ...progress }
  }

  async journalOf(flowId: string): Promise<JournalRow[]> {
    return (this.journalQuery ??= this.db.prepare(`SELECT key, entry FROM journal WHERE flow_id = ?`)).all(flowId) as JournalRow[]
  }

  async allJournals(): Promise<Map<string, JournalRow[]>> {
    return groupBy(this.db.prepare(`SELECT flow_id, key, entry FROM journal`).all() as (JournalRow & { flow_id: string })[])
  }

  async sessionsOf(flowId: string): Promise<SessionRow[]> {
    return (this.sessionsQuery ??= this.db.prepare(`SELECT key, flow_id, peer, protocol, version, status, reason, hash FROM sessions WHERE flow_id = ?`)).all(
      flowId,
    ) as SessionRow[]
  }

  async allSessions(): Promise<Map<string, SessionRow[]>> {
    return groupBy(this.db.prepare(`SELECT key, flow_id, peer, protocol, version, status, reason, hash FROM sessions`).all() as SessionRow[])
  }

  async inboxOf(flowId: string): Promise<InboxRow[]> {
    return (this.inboxQuery ??= this.db.prepare(`SELECT session_key, seq, event FROM inbox WHERE flow_id = ?`)).all(flowId) as InboxRow[]
  }

  async allInboxes(): Promise<Map<string, InboxRow[]>> {
    return groupBy(this.db.prepare(`SELECT session_key, seq, flow_id, event FROM inbox`).all() as (InboxRow & { flow_id: string })[])
  }

  async sessionFlow(key: string): Promise<string | undefined> {
    return this.sessionFlowNow(key)
  }

  private sessionFlowNow(key: string): string | undefined {
    return ((this.sessionFlowQuery ??= this.db.prepare(`SELECT flow_id FROM sessions WHERE key = ?`)).get(key) as { flow_id: string } | undefined)?.flow_id
  }

  async outbox(): Promise<OutboxRow[]> {
    return this.db.prepare(`SELECT id, session_key, envelope FROM outbox ORDER BY rowid`).all() as OutboxRow[]
  }

  async outboxOf(sessionKey: string): Promise<OutboxRow[]> {
    return (this.outboxQuery ??= this.db.prepare(`SELECT id, session_key, envelope FROM outbox WHERE session_key = ? ORDER BY rowid`)).all(
      sessionKey,
    ) as OutboxRow[]
  }

  async runningFlowCount(): Promise<number> {
    return ((this.runningCountQuery ??= this.db.prepare(`SELECT count(*) AS n FROM flows WHERE status = 'running'`)).get() as { n: number }).n
  }

  async unfinishedFlows(): Promise<UnfinishedFlow[]> {
    const flows = this.db.prepare(`SELECT id, name, kind, started_at FROM flows WHERE status = 'running' ORDER BY started_at, id`).all() as {
      id: string
      name: string
      kind: string
      started_at: number
    }[]
    const sessions = this.db.prepare(`SELECT peer, protocol, version, status FROM sessions WHERE flow_id = ? ORDER BY key`)
    return flows.map((f) => ({ id: f.id, name: f.name, kind: f.kind, startedAt: f.started_at, sessions: sessions.all(f.id) as UnfinishedFlow['sessions'] }))
  }

  async timers(flowIds?: readonly string[]): Promise<TimerRow[]> {
    if (flowIds === undefined) return this.db.prepare(`SELECT flow_id, key, due FROM timers`).all() as TimerRow[]
    return this.db.prepare(`SELECT flow_id, key, due FROM timers WHERE flow_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(flowIds)) as TimerRow[]
  }

  async isProcessed(id: string): Promise<boolean> {
    return this.processedNow(id)
  }

  /** `id` is `<sender>:<message id>`; a row kept from schema 3 (`:<message id>`) answers for any sender. */
  private processedNow(id: string): boolean {
    const query = (this.processedQuery ??= this.db.prepare(`SELECT 1 FROM processed WHERE id = ?`))
    if (query.get(id) !== undefined) return true
    this.unknownSenders ??= this.db.prepare(`SELECT 1 FROM processed WHERE id >= ':' AND id < ';' LIMIT 1`).get() !== undefined
    return this.unknownSenders && query.get(id.slice(id.indexOf(':'))) !== undefined
  }

  async admissions(flowId?: string): Promise<AdmissionRow[]> {
    const columns = 'flow_id, flow_name, at, error_class, error_code, error_message, error_stack, staff, diagnosis, decision, retries, point'
    if (flowId === undefined) return this.db.prepare(`SELECT ${columns} FROM hospital ORDER BY id`).all() as AdmissionRow[]
    return this.db.prepare(`SELECT ${columns} FROM hospital WHERE flow_id = ? ORDER BY id`).all(flowId) as AdmissionRow[]
  }

  async heldInits(): Promise<HeldInitRow[]> {
    return this.db.prepare(`SELECT id, sender, protocol, session, envelope, at, reason FROM held_inits ORDER BY at, id`).all() as HeldInitRow[]
  }

  async counts(): Promise<TableCounts> {
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
