/**
 * The read side of the PostgreSQL store: committed state, read over one pipelined connection (pg-reader.ts) with the same
 * queries and row shapes as SQLite's (store/sqlite/sqlite-reads.ts). Rows come back with `bytea` as
 * Buffers, times and counts as numbers (pg-pool.ts). Answered inits are looked up by `<sender>:<message id>`
 * only: a PostgreSQL store never held rows of unknown sender (those came from SQLite schema 3).
 */
import type pg from 'pg'
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
import { asUnavailable, createPool } from './pg-pool.js'
import type { Queryable } from './pg-reader.js'
import { qualified } from './pg-schema.js'

const flowColumns = 'id, name, kind, args, status, started_at, client_id, owner'
const sessionColumns = 'key, flow_id, peer, protocol, version, status, reason, hash'

export class PgReads {
  protected readonly t: Record<'flows' | 'journal' | 'sessions' | 'inbox' | 'outbox' | 'processed' | 'timers' | 'signals' | 'hospital' | 'held_inits', string>

  constructor(
    protected readonly reader: Queryable,
    schema: string,
  ) {
    const q = (table: string) => qualified(schema, table)
    this.t = {
      flows: q('flows'),
      journal: q('journal'),
      sessions: q('sessions'),
      inbox: q('inbox'),
      outbox: q('outbox'),
      processed: q('processed'),
      timers: q('timers'),
      signals: q('signals'),
      hospital: q('hospital'),
      held_inits: q('held_inits'),
    }
  }

  /**
   * Reads a store without opening it as a node would (no lock, no migration, no writes): for `colloquy flows`
   * while the node runs. A schema that does not exist yet reads as empty.
   */
  static async peek<T>(url: string, schema: string, read: (reads: PgReads) => Promise<T>): Promise<T> {
    const pool = createPool(url, 'full', 1)
    try {
      const found = await pool.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [qualified(schema, 'flows')])
      if (found.rows[0]?.found == null) return read(new EmptyReads(pool, schema))
      return await read(new PgReads(pool, schema))
    } catch (error) {
      throw asUnavailable(url, error)
    } finally {
      await pool.end()
    }
  }

  protected async rows<R>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.reader.query<pg.QueryResultRow>(sql, params)).rows as R[]
  }

  async runningFlows(): Promise<FlowRow[]> {
    return this.rows(`SELECT ${flowColumns} FROM ${this.t.flows} WHERE status = 'running' ORDER BY started_at, id`)
  }

  async flow(id: string): Promise<FlowRow | undefined> {
    return (await this.rows<FlowRow>(`SELECT ${flowColumns} FROM ${this.t.flows} WHERE id = $1`, [id]))[0]
  }

  async listFlows(query: FlowListQuery): Promise<FlowListRow[]> {
    const where: string[] = []
    const params: unknown[] = []
    const add = (column: string, value: unknown) => {
      params.push(value)
      where.push(`${column} $${params.length}`)
    }
    if (query.status !== undefined) add('status =', query.status)
    if (query.name !== undefined) add('name =', query.name)
    if (query.clientId !== undefined) add('client_id =', query.clientId)
    if (query.owner !== undefined) add('owner =', query.owner)
    if (query.startedSince !== undefined) add('started_at >=', query.startedSince)
    const filter = where.length ? ` WHERE ${where.join(' AND ')}` : ''
    return this.rows(
      `SELECT id, name, kind, status, started_at, client_id, owner, progress, waiting FROM ${this.t.flows}${filter} ORDER BY started_at, id`,
      params,
    )
  }

  async waitingOf(flowId: string): Promise<string | undefined> {
    return (await this.rows<{ waiting: string | null }>(`SELECT waiting FROM ${this.t.flows} WHERE id = $1`, [flowId]))[0]?.waiting ?? undefined
  }

  async finishedClientFlows(owner: string): Promise<{ client_id: string; status: 'done' | 'failed' }[]> {
    return this.rows(`SELECT client_id, status FROM ${this.t.flows} WHERE owner = $1 AND client_id IS NOT NULL AND status <> 'running' ORDER BY client_id`, [
      owner,
    ])
  }

  async signalsOf(flowId: string): Promise<SignalRow[]> {
    return this.rows(`SELECT flow_id, name, payload FROM ${this.t.signals} WHERE flow_id = $1`, [flowId])
  }

  async allSignals(): Promise<Map<string, SignalRow[]>> {
    return groupBy(await this.rows<SignalRow>(`SELECT flow_id, name, payload FROM ${this.t.signals}`))
  }

  async admissions(flowId?: string): Promise<AdmissionRow[]> {
    const columns = 'flow_id, flow_name, at, error_class, error_code, error_message, error_stack, staff, diagnosis, decision, retries, point'
    if (flowId === undefined) return this.rows(`SELECT ${columns} FROM ${this.t.hospital} ORDER BY id`)
    return this.rows(`SELECT ${columns} FROM ${this.t.hospital} WHERE flow_id = $1 ORDER BY id`, [flowId])
  }

  async heldInits(): Promise<HeldInitRow[]> {
    return this.rows(`SELECT id, sender, protocol, session, envelope, at, reason FROM ${this.t.held_inits} ORDER BY at, id`)
  }

  async outcomeOf(id: string): Promise<string | undefined> {
    return (await this.rows<{ outcome: string | null }>(`SELECT outcome FROM ${this.t.flows} WHERE id = $1`, [id]))[0]?.outcome ?? undefined
  }

  async flowStatus(id: string): Promise<FlowStatus | undefined> {
    const row = (await this.rows<FlowRow & { progress: string | null }>(`SELECT ${flowColumns}, progress FROM ${this.t.flows} WHERE id = $1`, [id]))[0]
    if (!row) return undefined
    const client = row.client_id == null ? {} : { clientId: row.client_id, owner: row.owner ?? '' }
    const progress = row.progress === null ? {} : { progress: JSON.parse(row.progress) as string[] }
    return { id: row.id, name: row.name, kind: row.kind, status: row.status as FlowStatus['status'], startedAt: row.started_at, ...client, ...progress }
  }

  async journalOf(flowId: string): Promise<JournalRow[]> {
    return this.rows(`SELECT key, entry FROM ${this.t.journal} WHERE flow_id = $1`, [flowId])
  }

  async allJournals(): Promise<Map<string, JournalRow[]>> {
    return groupBy(await this.rows<JournalRow & { flow_id: string }>(`SELECT flow_id, key, entry FROM ${this.t.journal}`))
  }

  async sessionsOf(flowId: string): Promise<SessionRow[]> {
    return this.rows(`SELECT ${sessionColumns} FROM ${this.t.sessions} WHERE flow_id = $1`, [flowId])
  }

  async allSessions(): Promise<Map<string, SessionRow[]>> {
    return groupBy(await this.rows<SessionRow>(`SELECT ${sessionColumns} FROM ${this.t.sessions}`))
  }

  async inboxOf(flowId: string): Promise<InboxRow[]> {
    return this.rows(`SELECT session_key, seq, event FROM ${this.t.inbox} WHERE flow_id = $1`, [flowId])
  }

  async allInboxes(): Promise<Map<string, InboxRow[]>> {
    return groupBy(await this.rows<InboxRow & { flow_id: string }>(`SELECT session_key, seq, flow_id, event FROM ${this.t.inbox}`))
  }

  async sessionFlow(key: string): Promise<string | undefined> {
    return (await this.rows<{ flow_id: string }>(`SELECT flow_id FROM ${this.t.sessions} WHERE key = $1`, [key]))[0]?.flow_id
  }

  async outbox(): Promise<OutboxRow[]> {
    return this.rows(`SELECT id, session_key, envelope FROM ${this.t.outbox} ORDER BY seq`)
  }

  async outboxOf(sessionKey: string): Promise<OutboxRow[]> {
    return this.rows(`SELECT id, session_key, envelope FROM ${this.t.outbox} WHERE session_key = $1 ORDER BY seq`, [sessionKey])
  }

  async runningFlowCount(): Promise<number> {
    return (await this.rows<{ n: number }>(`SELECT count(*) AS n FROM ${this.t.flows} WHERE status = 'running'`))[0]?.n ?? 0
  }

  async unfinishedFlows(): Promise<UnfinishedFlow[]> {
    const flows = await this.rows<{ id: string; name: string; kind: string; started_at: number }>(
      `SELECT id, name, kind, started_at FROM ${this.t.flows} WHERE status = 'running' ORDER BY started_at, id`,
    )
    const sessions = groupBy(
      await this.rows<{ flow_id: string; peer: string; protocol: string; version: number | null; status: string }>(
        `SELECT s.flow_id, s.peer, s.protocol, s.version, s.status FROM ${this.t.sessions} s JOIN ${this.t.flows} f ON f.id = s.flow_id WHERE f.status = 'running' ORDER BY s.key`,
      ),
    )
    return flows.map((f) => ({
      id: f.id,
      name: f.name,
      kind: f.kind,
      startedAt: f.started_at,
      sessions: (sessions.get(f.id) ?? []).map(({ peer, protocol, version, status }) => ({ peer, protocol, version, status })),
    }))
  }

  async timers(flowIds?: readonly string[]): Promise<TimerRow[]> {
    if (flowIds === undefined) return this.rows(`SELECT flow_id, key, due FROM ${this.t.timers}`)
    return this.rows(`SELECT flow_id, key, due FROM ${this.t.timers} WHERE flow_id = ANY($1::text[])`, [flowIds])
  }

  async isProcessed(id: string): Promise<boolean> {
    return (await this.rows(`SELECT 1 FROM ${this.t.processed} WHERE id = $1`, [id])).length > 0
  }

  async counts(): Promise<TableCounts> {
    const tables = ['flows', 'journal', 'sessions', 'inbox', 'outbox', 'processed', 'timers'] as const
    const sql = `SELECT ${tables.map((table) => `(SELECT count(*) FROM ${this.t[table]}) AS ${table}`).join(', ')}`
    return (await this.rows<TableCounts>(sql))[0]!
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

/** A schema not created yet: no rows. */
class EmptyReads extends PgReads {
  protected override async rows<R>(): Promise<R[]> {
    return []
  }
}
