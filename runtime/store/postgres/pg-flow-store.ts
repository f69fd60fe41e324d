/**
 * The FlowStore on PostgreSQL (the `pg` driver), with the SQLite store's semantics: the same tables in a
 * schema of their own (pg-schema.ts, created or upgraded once per database and schema under a lock:
 * pg-migrate.ts), the same key formats, payloads byte for byte, kept outcomes as text; every write queued
 * into a group commit per event-loop turn (pg-group-commit.ts) as named prepared statements (pg-statements.ts),
 * a batch sent back to back in about one round trip (pg-writer.ts);
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
 * Open with `PgFlowStore.open` (connecting is asynchronous); `close()` commits what is pending, closes the
 * connections and resolves then (as `closed` does), `crash()` drops pending writes as kill -9 would.
 * Opening a schema this process is still closing waits for that close first.
 */
import type pg from 'pg'
import type { CommitFaultListener, FlowOrigin, FlowRetention, FlowStore, TouchedTables } from '../flow-store.js'
import type { AdmissionRow, FlowRow, HeldInitRow, SessionRow } from '../store-rows.js'
import { ClientIndex } from './client-index.js'
import { PgGroupCommit } from './pg-group-commit.js'
import { migratePg } from './pg-migrate.js'
import { asUnavailable, createPool, redactUrl } from './pg-pool.js'
import { PgReader } from './pg-reader.js'
import { PgReads } from './pg-reads.js'
import { qualified } from './pg-schema.js'
import type { PgStoreOptions } from './pg-store-options.js'
import { PgWriter } from './pg-writer.js'
import { FinishStatements } from './pg-finish.js'
import { admissionColumns, type PgWrite, type WriteKind, writeStatements } from './pg-statements.js'

const unheard: CommitFaultListener = { failed: () => {}, recovered: () => {} }

/** Stores of this process being closed, by URL and schema: a reopen waits for its close. */
const closing = new Map<string, Promise<void>>()

export class PgFlowStore extends PgReads implements FlowStore {
  readonly commits: PgGroupCommit
  readonly location: string
  readonly schema: string
  /** Resolves once the store is closed (or crashed) and its connections are gone. */
  readonly closed: Promise<void>
  private readonly clients: ClientIndex
  private listener = unheard
  private ended = false
  private readonly statements: Record<WriteKind, string>
  private readonly finishes: FinishStatements
  /** The client-id key of flows started with one (loaded and queued): a batch that frees a client id orders the next start after it. */
  private readonly clientKeys = new Map<string, string>()
  private markClosed!: () => void

  private readonly reads: PgReader

  private constructor(
    private readonly pool: pg.Pool,
    private readonly writer: PgWriter,
    clientRows: readonly FlowRow[],
    private readonly key: string,
    options: PgStoreOptions,
    location: string,
  ) {
    const schema = options.schema ?? 'colloquy'
    const reader = new PgReader(pool)
    super(reader, schema)
    this.reads = reader
    this.schema = schema
    this.location = location
    this.clients = new ClientIndex(clientRows)
    this.statements = writeStatements(schema)
    this.finishes = new FinishStatements(schema)
    for (const row of clientRows) if (row.client_id != null) this.clientKeys.set(row.id, JSON.stringify([row.owner ?? null, row.client_id]))
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
      const rows = await pool.query<FlowRow>(
        `SELECT id, name, kind, args, status, started_at, client_id, owner FROM ${qualified(schema, 'flows')} WHERE client_id IS NOT NULL`,
      )
      return new PgFlowStore(pool, writer, rows.rows, key, options, location)
    } catch (error) {
      writer.drop()
      await pool.end().catch(() => {})
      throw error
    }
  }

  onCommitFailure(listener: CommitFaultListener): void {
    this.listener = listener
  }

  /** Queues a write of `kind` (its row: one value per column) touching `scopes`, on `rowKey` within them. */
  private add(kind: WriteKind, row: unknown[], scopes: string[], rowKey?: string, committed?: () => void): number {
    const write: PgWrite = { kind, text: this.statements[kind], row, scopes, ...(rowKey !== undefined ? { rowKey } : {}), ...(committed ? { committed } : {}) }
    return this.commits.add(write)
  }

  /** The scope of a flow's client id, if it has one (its start may be in this batch): a finished flow's id may be taken again. */
  private clientScopes(flowId: string): string[] {
    const key = this.clientKeys.get(flowId)
    return key === undefined ? [] : [`client/${key}`]
  }

  // ---- writes (queued into the current group-commit batch) ----

  insertFlow(id: string, name: string, kind: 'started' | 'responder', args: Buffer | null, startedAt: number, origin?: FlowOrigin): number {
    const clientId = origin?.clientId ?? null
    const owner = origin ? origin.owner : null
    const row = [id, name, kind, args, startedAt, clientId, owner]
    if (clientId === null) return this.add('insertFlow', row, [`flows/${id}`], id)
    const key = JSON.stringify([owner, clientId])
    this.clientKeys.set(id, key)
    const flow: FlowRow = { id, name, kind, args, status: 'running', started_at: startedAt, client_id: clientId, owner }
    return this.add('insertFlow', row, [`flows/${id}`, `client/${key}`], id, () => this.clients.put(flow))
  }

  setProgress(flowId: string, progress: string): number {
    return this.add('setProgress', [flowId, progress], [`flows/${flowId}`], flowId)
  }

  setWaiting(flowId: string, waiting: string): number {
    return this.add('setWaiting', [flowId, waiting], [`flows/${flowId}`], flowId)
  }

  putSignal(flowId: string, name: string, payload: Buffer, at: number): number {
    return this.add('putSignal', [flowId, name, payload, at], [`signals/${flowId}`], name)
  }

  deleteSignal(flowId: string, name: string): number {
    return this.add('deleteSignal', [flowId, name], [`signals/${flowId}`], name)
  }

  putJournal(flowId: string, key: string, entry: Buffer): number {
    return this.add('putJournal', [flowId, key, entry], [`journal/${flowId}`], key)
  }

  putSession(s: SessionRow): number {
    const row = [s.key, s.flow_id, s.peer, s.protocol, s.version, s.status, s.reason, s.hash]
    return this.add('putSession', row, [`sessions/${s.flow_id}`, `session/${s.key}`], s.key)
  }

  updateSession(key: string, status: SessionRow['status'], version: number | null, reason: string | null, hash: string | null): number {
    // A finished flow's delete of its sessions commutes with this update: either way the row is gone.
    return this.add('updateSession', [key, status, version, reason, hash], [`session/${key}`], key)
  }

  putInbox(sessionKey: string, seq: number, flowId: string, event: Buffer): number {
    return this.add('putInbox', [sessionKey, seq, flowId, event], [`inbox/${flowId}`], `${sessionKey}\n${seq}`)
  }

  putOutbox(id: string, sessionKey: string, envelope: Buffer): number {
    return this.add('putOutbox', [id, sessionKey, envelope], [`outbox/${id}`, `outbox-session/${sessionKey}`], id)
  }

  deleteOutbox(id: string): number {
    return this.add('deleteOutbox', [id], [`outbox/${id}`], id)
  }

  deleteAcknowledged(id: string): void {
    this.commits.addLazily({ kind: 'deleteOutbox', text: this.statements.deleteOutbox, row: [id], scopes: [`outbox/${id}`], rowKey: id })
  }

  putProcessed(id: string, at: number): number {
    return this.add('putProcessed', [id, at], [`processed/${id}`], id)
  }

  putTimer(flowId: string, key: string, due: number): number {
    return this.add('putTimer', [flowId, key, due], [`timers/${flowId}`], key)
  }

  deleteTimer(flowId: string, key: string): number {
    return this.add('deleteTimer', [flowId, key], [`timers/${flowId}`], key)
  }

  finishFlow(flowId: string, retain: FlowRetention | null, touched: TouchedTables): number {
    const statement = this.finishes.for(retain, touched)
    const scopes = ['flows', 'journal', 'sessions', 'inbox', 'timers', 'signals', 'hospital']
      .map((table) => `${table}/${flowId}`)
      .concat(this.clientScopes(flowId))
    if (!retain) this.clientKeys.delete(flowId)
    return this.commits.add({
      kind: statement.kind,
      text: statement.text,
      row: retain ? [flowId, retain.status, retain.outcome] : [flowId],
      scopes,
      committed: () => this.clients.finished(flowId, retain ? retain.status : null),
    })
  }

  removeOutcome(flowId: string): number {
    const scopes = [`flows/${flowId}`, `journal/${flowId}`, ...this.clientScopes(flowId)]
    return this.commits.add({
      kind: 'removeOutcome',
      text: this.statements.removeOutcome,
      row: [flowId],
      scopes,
      committed: () => this.clients.removed(flowId),
    })
  }

  /**
   * Hospital records: an admission, then the prune to the flow's latest `keepLatest`. Admissions of every flow
   * share one scope, so their ids follow the queue (admissions() reads them oldest first, as SQLite does).
   */
  putAdmission(r: AdmissionRow, keepLatest: number): number {
    const scopes = ['admissions', `hospital/${r.flow_id}`]
    this.add(
      'putAdmission',
      admissionColumns.map((column) => r[column]),
      scopes,
    )
    return this.add('pruneAdmissions', [r.flow_id, keepLatest], scopes)
  }

  putHeldInit(r: HeldInitRow): number {
    return this.add('putHeldInit', [r.id, r.sender, r.protocol, r.session, r.envelope, r.at, r.reason], [`held/${r.id}`], r.id)
  }

  deleteHeldInit(id: string): number {
    return this.add('deleteHeldInit', [id], [`held/${id}`], id)
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

  /** Resolves (as `closed` does) once the last batch committed, or failed for good, and the connections are closed. */
  close(): Promise<void> {
    if (!this.ended) this.finish(this.commits.close())
    this.ended = true
    return this.closed
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
        this.reads.close()
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
