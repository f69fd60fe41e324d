/**
 * The FlowStore on PostgreSQL (the `pg` driver), with the SQLite store's semantics: the same tables in a
 * schema of their own (pg-schema.ts, created or upgraded once per database and schema under a lock:
 * pg-migrate.ts), the same key formats, payloads byte for byte, kept outcomes as text; every write queued
 * into a group commit per event-loop turn (pg-group-commit.ts), one round trip per batch (pg-writer.ts);
 * reads are real queries (pg-reads.ts). What a finished flow leaves is what SQLite leaves.
 *
 * The synchronous reads: `flowIdTaken` and `initAnswered` return undefined (the engine awaits `flow`,
 * `isProcessed` and `sessionFlow` instead); `clientFlow` is answered from an in-memory index loaded at open
 * and kept current by this store's own commits (client-index.ts).
 *
 * One node per store: the writer connection holds a session-level advisory lock keyed by the schema
 * (pg-writer-lock.ts); another process opening the same schema gets StoreInUseError. Two options are for
 * worker processes that serve one node together (pg-store-options.ts): `exclusive: false` skips that lock,
 * and `fence(tx)` runs first inside every commit transaction; when it throws, the commit is refused and
 * the store takes no more writes. A worker gives each writer its own `writerId`.
 *
 * Open with `PgFlowStore.open` (connecting is asynchronous); `close()` commits what is pending and
 * closes the connections in the background (`closed` resolves then), `crash()` drops pending writes as
 * kill -9 would. Opening a schema this process is still closing waits for that close first.
 */
import pg from 'pg'
import type { CommitFaultListener, FlowOrigin, FlowRetention, FlowStore, TouchedTables } from '../flow-store.js'
import type { FlowRow, SessionRow } from '../store-rows.js'
import { ClientIndex } from './client-index.js'
import { PgGroupCommit } from './pg-group-commit.js'
import { migratePg } from './pg-migrate.js'
import { asUnavailable, createPool, redactUrl } from './pg-pool.js'
import { PgReads } from './pg-reads.js'
import type { PgStoreOptions } from './pg-store-options.js'
import { PgWriter } from './pg-writer.js'
import { type SqlValue, sqlRow as row, sqlLiteral as v } from './sql-literal.js'

const unheard: CommitFaultListener = { failed: () => {}, recovered: () => {} }

/** Stores of this process being closed, by URL and schema: a reopen waits for its close. */
const closing = new Map<string, Promise<void>>()

export class PgFlowStore extends PgReads implements FlowStore {
  readonly commits: PgGroupCommit
  readonly location: string
  readonly schema: string
  /** Resolves once the store is closed (or crashed) and its connections are gone. */
  readonly closed: Promise<void>
  private listener = unheard
  private ended = false
  private markClosed!: () => void

  private constructor(
    pool: pg.Pool,
    private readonly writer: PgWriter,
    private readonly clients: ClientIndex,
    private readonly key: string,
    options: PgStoreOptions,
    location: string,
  ) {
    const schema = options.schema ?? 'colloquy'
    super(pool, schema)
    this.schema = schema
    this.location = location
    this.closed = new Promise((resolve) => (this.markClosed = resolve))
    this.commits = new PgGroupCommit(
      (sql, batch) => this.writer.commit(sql, batch),
      () => this.listener,
      options.commitRetry,
    )
  }

  /** Connects, takes the one-writer lock (unless `exclusive: false`), creates or upgrades the schema and loads the client-id index. */
  static async open(options: PgStoreOptions): Promise<PgFlowStore> {
    const schema = options.schema ?? 'colloquy'
    const location = `${redactUrl(options.url)} (schema ${schema})`
    const key = `${options.url}\n${schema}`
    await closing.get(key)
    const pool = createPool(options.url, options.durability ?? 'full', Math.max(2, options.connections ?? 4))
    const writer = new PgWriter(pool, schema, location, options)
    try {
      try {
        await writer.connection(2000)
      } catch (error) {
        throw asUnavailable(options.url, error)
      }
      await migratePg(await writer.connection(), schema, location)
      await writer.resetMark()
      const t = pg.escapeIdentifier(schema)
      const rows = await pool.query<FlowRow>(`SELECT id, name, kind, args, status, started_at, client_id, owner FROM ${t}.flows WHERE client_id IS NOT NULL`)
      return new PgFlowStore(pool, writer, new ClientIndex(rows.rows), key, options, location)
    } catch (error) {
      writer.drop()
      await pool.end().catch(() => {})
      throw error
    }
  }

  onCommitFailure(listener: CommitFaultListener): void {
    this.listener = listener
  }

  private add(sql: string, committed?: () => void): number {
    return this.commits.add(committed ? { sql, committed } : { sql })
  }

  private insert(table: string, columns: string, values: SqlValue[], conflict: string): number {
    return this.add(`INSERT INTO ${table} (${columns}) VALUES ${row(values)} ${conflict}`)
  }

  // ---- writes (queued into the current group-commit batch) ----

  insertFlow(id: string, name: string, kind: 'started' | 'responder', args: Buffer | null, startedAt: number, origin?: FlowOrigin): number {
    const clientId = origin?.clientId ?? null
    const owner = origin ? origin.owner : null
    const sql = `INSERT INTO ${this.t.flows} (id, name, kind, args, status, started_at, client_id, owner) VALUES ${row([id, name, kind, args, 'running', startedAt, clientId, owner])}`
    if (clientId === null) return this.add(sql)
    const flow: FlowRow = { id, name, kind, args, status: 'running', started_at: startedAt, client_id: clientId, owner }
    return this.add(sql, () => this.clients.put(flow))
  }

  setProgress(flowId: string, progress: string): number {
    return this.add(`UPDATE ${this.t.flows} SET progress = ${v(progress)} WHERE id = ${v(flowId)}`)
  }

  setWaiting(flowId: string, waiting: string): number {
    return this.add(`UPDATE ${this.t.flows} SET waiting = ${v(waiting)} WHERE id = ${v(flowId)}`)
  }

  putSignal(flowId: string, name: string, payload: Buffer, at: number): number {
    return this.insert(this.t.signals, 'flow_id, name, payload, at', [flowId, name, payload, at], 'ON CONFLICT DO NOTHING')
  }

  deleteSignal(flowId: string, name: string): number {
    return this.add(`DELETE FROM ${this.t.signals} WHERE flow_id = ${v(flowId)} AND name = ${v(name)}`)
  }

  putJournal(flowId: string, key: string, entry: Buffer): number {
    return this.insert(this.t.journal, 'flow_id, key, entry', [flowId, key, entry], 'ON CONFLICT (flow_id, key) DO UPDATE SET entry = excluded.entry')
  }

  putSession(s: SessionRow): number {
    return this.insert(
      this.t.sessions,
      'key, flow_id, peer, protocol, version, status, reason, hash',
      [s.key, s.flow_id, s.peer, s.protocol, s.version, s.status, s.reason, s.hash],
      'ON CONFLICT (key) DO UPDATE SET flow_id = excluded.flow_id, peer = excluded.peer, protocol = excluded.protocol, version = excluded.version, status = excluded.status, reason = excluded.reason, hash = excluded.hash',
    )
  }

  updateSession(key: string, status: SessionRow['status'], version: number | null, reason: string | null, hash: string | null): number {
    return this.add(
      `UPDATE ${this.t.sessions} SET status = ${v(status)}, version = ${v(version)}, reason = ${v(reason)}, hash = ${v(hash)} WHERE key = ${v(key)}`,
    )
  }

  putInbox(sessionKey: string, seq: number, flowId: string, event: Buffer): number {
    return this.insert(this.t.inbox, 'session_key, seq, flow_id, event', [sessionKey, seq, flowId, event], 'ON CONFLICT DO NOTHING')
  }

  putOutbox(id: string, sessionKey: string, envelope: Buffer): number {
    // A replaced row goes to the end of the order, as SQLite's INSERT OR REPLACE gives it a new rowid.
    return this.insert(
      this.t.outbox,
      'id, session_key, envelope',
      [id, sessionKey, envelope],
      'ON CONFLICT (id) DO UPDATE SET session_key = excluded.session_key, envelope = excluded.envelope, seq = excluded.seq',
    )
  }

  deleteOutbox(id: string): number {
    return this.add(`DELETE FROM ${this.t.outbox} WHERE id = ${v(id)}`)
  }

  deleteAcknowledged(id: string): void {
    this.commits.addLazily({ sql: `DELETE FROM ${this.t.outbox} WHERE id = ${v(id)}` })
  }

  putProcessed(id: string, at: number): number {
    return this.insert(this.t.processed, 'id, at', [id, at], 'ON CONFLICT DO NOTHING')
  }

  putTimer(flowId: string, key: string, due: number): number {
    return this.insert(this.t.timers, 'flow_id, key, due', [flowId, key, due], 'ON CONFLICT (flow_id, key) DO UPDATE SET due = excluded.due')
  }

  deleteTimer(flowId: string, key: string): number {
    return this.add(`DELETE FROM ${this.t.timers} WHERE flow_id = ${v(flowId)} AND key = ${v(key)}`)
  }

  finishFlow(flowId: string, retain: FlowRetention | null, touched: TouchedTables): number {
    const id = v(flowId)
    const sql: string[] = []
    if (!retain?.keepJournal) sql.push(`DELETE FROM ${this.t.journal} WHERE flow_id = ${id}`)
    sql.push(`DELETE FROM ${this.t.sessions} WHERE flow_id = ${id}`)
    if (touched.inbox) sql.push(`DELETE FROM ${this.t.inbox} WHERE flow_id = ${id}`)
    if (touched.timers) sql.push(`DELETE FROM ${this.t.timers} WHERE flow_id = ${id}`)
    if (touched.signals) sql.push(`DELETE FROM ${this.t.signals} WHERE flow_id = ${id}`)
    if (retain) sql.push(`UPDATE ${this.t.flows} SET status = ${v(retain.status)}, outcome = ${v(retain.outcome)} WHERE id = ${id}`)
    else sql.push(`DELETE FROM ${this.t.flows} WHERE id = ${id}`)
    return this.add(sql.join(';\n'), () => this.clients.finished(flowId, retain ? retain.status : null))
  }

  removeOutcome(flowId: string): number {
    const id = v(flowId)
    return this.add(
      `DELETE FROM ${this.t.journal} WHERE flow_id = ${id} AND EXISTS (SELECT 1 FROM ${this.t.flows} WHERE id = ${id} AND status <> 'running');\n` +
        `DELETE FROM ${this.t.flows} WHERE id = ${id} AND status <> 'running'`,
      () => this.clients.removed(flowId),
    )
  }

  async purgeProcessed(before: number): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.t.processed} WHERE at < $1`, [before])
  }

  // ---- the synchronous reads ----

  /** Cannot tell without a round trip: the engine awaits `flow(id)` (flow-store.ts). */
  flowIdTaken(): undefined {
    return undefined
  }

  /** Cannot tell without a round trip: the engine awaits `isProcessed` and `sessionFlow`. */
  initAnswered(): undefined {
    return undefined
  }

  clientFlow(client: { clientId: string; owner: string }): FlowRow | null {
    return this.clients.get(client)
  }

  // ---- lifecycle ----

  close(): void {
    if (this.ended) return
    this.ended = true
    this.finish(this.commits.close())
  }

  crash(): void {
    if (this.ended) return
    this.ended = true
    this.commits.abandon()
    this.finish(Promise.resolve())
  }

  /** Once `committed` settled: the writer's connection (and its lock) and the pool go; `closed` resolves. */
  private finish(committed: Promise<void>): void {
    const done = committed
      .then(() => {
        this.writer.drop()
        return this.pool.end()
      })
      .catch(() => {})
      .finally(() => {
        if (closing.get(this.key) === done) closing.delete(this.key)
        this.markClosed()
      })
    closing.set(this.key, done)
  }
}
