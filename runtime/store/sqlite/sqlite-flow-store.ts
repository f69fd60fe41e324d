/**
 * The FlowStore on better-sqlite3. Reads run synchronously inside and return resolved Promises
 * (SqliteReads); every write goes through group commit. `durability: 'full'` (the default) survives
 * kill -9 and power loss: WAL with synchronous=FULL fsyncs every commit. `durability: 'fast'` uses
 * synchronous=NORMAL: still safe against a process crash, but the last commits before a power loss or
 * OS crash may be lost.
 *
 * Opening a file store: its lock first (one node per store, store-lock.ts), then, before anything is
 * written, the checks that refuse a damaged store (store-damage.ts) or one that went backwards
 * (commit-mark.ts); then WAL mode and the schema. ':memory:' has neither lock nor mark.
 */
import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import type { CommitFaultListener, Durability, FlowRetention, FlowOrigin, FlowStore, TouchedTables } from '../flow-store.js'
import type { AdmissionRow, HeldInitRow, SessionRow } from '../store-rows.js'
import { CommitStamp, refuseIfBehind, storedCommit } from './commit-mark.js'
import { type CommitRetry, GroupCommit } from './group-commit.js'
import { migrate } from './migrate.js'
import { SqliteReads } from './sqlite-reads.js'
import { asStoreDamage } from './store-damage.js'
import { StoreLock } from './store-lock.js'

export interface StoreOptions {
  /** 'full' (default): synchronous=FULL; 'fast': synchronous=NORMAL, may lose the last commits on power loss. */
  readonly durability?: Durability
  /** Back-off of a commit that failed on a fault that may clear (default: 50 ms, doubling up to 5 s). */
  readonly commitRetry?: CommitRetry
}

const unheard: CommitFaultListener = { failed: () => {}, recovered: () => {} }

/** Opens the database of a file store, its lock taken: refuses it when damaged or behind its commit mark. */
function openChecked(path: string, lock: StoreLock | undefined): { db: Database.Database; commit: number } {
  let db: Database.Database | undefined
  try {
    if (lock && !existsSync(path)) refuseIfBehind(path, 0) // deleted, with its mark left: refused before SQLite creates a file
    db = new Database(path)
    const commit = storedCommit(db)
    if (lock) refuseIfBehind(path, commit)
    return { db, commit }
  } catch (error) {
    db?.close()
    lock?.release()
    throw asStoreDamage(path, error)
  }
}

export class SqliteFlowStore extends SqliteReads implements FlowStore {
  readonly commits: GroupCommit
  readonly path: string
  private listener = unheard
  private readonly lock: StoreLock | undefined
  private readonly stamp: CommitStamp | undefined
  private readonly s

  constructor(path: string, options: StoreOptions = {}) {
    const lock = path === ':memory:' || path === '' ? undefined : StoreLock.acquire(path)
    const { db, commit } = openChecked(path, lock)
    super(db)
    this.path = path
    this.lock = lock
    try {
      this.db.pragma('journal_mode = WAL')
      this.db.pragma(`synchronous = ${options.durability === 'fast' ? 'NORMAL' : 'FULL'}`)
      migrate(this.db, path)
    } catch (error) {
      this.db.close()
      lock?.release()
      throw asStoreDamage(path, error)
    }
    this.commits = new GroupCommit(this.db, () => this.listener, options.commitRetry)
    if (lock) {
      const stamp = (this.stamp = new CommitStamp(path, this.db, this.commits, commit, options.durability === 'fast'))
      try {
        stamp.opened()
      } catch (error) {
        this.db.close()
        lock.release()
        throw asStoreDamage(path, error)
      }
      this.commits.onCommitted = () => stamp.committed()
    }
    const p = (sql: string) => this.db.prepare(sql)
    this.s = {
      insertFlow: p(`INSERT INTO flows (id, name, kind, args, status, started_at, client_id, owner) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)`),
      setProgress: p(`UPDATE flows SET progress = ? WHERE id = ?`),
      setWaiting: p(`UPDATE flows SET waiting = ? WHERE id = ?`),
      putSignal: p(`INSERT OR IGNORE INTO signals (flow_id, name, payload, at) VALUES (?, ?, ?, ?)`),
      deleteSignal: p(`DELETE FROM signals WHERE flow_id = ? AND name = ?`),
      deleteSignals: p(`DELETE FROM signals WHERE flow_id = ?`),
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
      purgeProcessed: p(`DELETE FROM processed WHERE at < ?`),
      removeKeptJournal: p(`DELETE FROM journal WHERE flow_id = ? AND EXISTS (SELECT 1 FROM flows WHERE id = ? AND status <> 'running')`),
      removeKeptFlow: p(`DELETE FROM flows WHERE id = ? AND status <> 'running'`),
      putAdmission: p(
        `INSERT INTO hospital (flow_id, flow_name, at, error_class, error_code, error_message, error_stack, staff, diagnosis, decision, retries, point) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      pruneAdmissions: p(`DELETE FROM hospital WHERE flow_id = ? AND id NOT IN (SELECT id FROM hospital WHERE flow_id = ? ORDER BY id DESC LIMIT ?)`),
      deleteAdmissions: p(`DELETE FROM hospital WHERE flow_id = ?`),
      putHeldInit: p(`INSERT OR IGNORE INTO held_inits (id, sender, protocol, session, envelope, at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      deleteHeldInit: p(`DELETE FROM held_inits WHERE id = ?`),
    }
  }

  get location(): string {
    return this.path
  }

  onCommitFailure(listener: CommitFaultListener): void {
    this.listener = listener
  }

  /**
   * For tests: `fault` runs inside every commit's transaction, before COMMIT; a throw (e.g. a SqliteError
   * with code SQLITE_FULL) fails that commit as the storage would. Undefined clears it.
   */
  injectCommitFault(fault: (() => void) | undefined): void {
    this.commits.fault = fault
  }

  // ---- writes (queued into the current group-commit batch) ----

  insertFlow(id: string, name: string, kind: 'started' | 'responder', args: Buffer | null, startedAt: number, origin?: FlowOrigin): number {
    return this.commits.add(this.s.insertFlow, [id, name, kind, args, startedAt, origin?.clientId ?? null, origin ? origin.owner : null])
  }

  setProgress(flowId: string, progress: string): number {
    return this.commits.add(this.s.setProgress, [progress, flowId])
  }

  setWaiting(flowId: string, waiting: string): number {
    return this.commits.add(this.s.setWaiting, [waiting, flowId])
  }

  putSignal(flowId: string, name: string, payload: Buffer, at: number): number {
    return this.commits.add(this.s.putSignal, [flowId, name, payload, at])
  }

  deleteSignal(flowId: string, name: string): number {
    return this.commits.add(this.s.deleteSignal, [flowId, name])
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

  finishFlow(flowId: string, retain: FlowRetention | null, touched: TouchedTables): number {
    if (!retain?.keepJournal) this.commits.add(this.s.deleteJournal, [flowId])
    this.commits.add(this.s.deleteSessions, [flowId])
    if (touched.inbox) this.commits.add(this.s.deleteInbox, [flowId])
    if (touched.timers) this.commits.add(this.s.deleteTimers, [flowId])
    if (touched.signals) this.commits.add(this.s.deleteSignals, [flowId])
    if (touched.hospital) this.commits.add(this.s.deleteAdmissions, [flowId])
    if (retain) return this.commits.add(this.s.finishFlow, [retain.status, retain.outcome, flowId])
    return this.commits.add(this.s.deleteFlow, [flowId])
  }

  removeOutcome(flowId: string): number {
    this.commits.add(this.s.removeKeptJournal, [flowId, flowId])
    return this.commits.add(this.s.removeKeptFlow, [flowId])
  }

  putAdmission(row: AdmissionRow, keepLatest: number): number {
    const r = row
    this.commits.add(this.s.putAdmission, [
      r.flow_id,
      r.flow_name,
      r.at,
      r.error_class,
      r.error_code,
      r.error_message,
      r.error_stack,
      r.staff,
      r.diagnosis,
      r.decision,
      r.retries,
      r.point,
    ])
    return this.commits.add(this.s.pruneAdmissions, [r.flow_id, r.flow_id, keepLatest])
  }

  putHeldInit(row: HeldInitRow): number {
    return this.commits.add(this.s.putHeldInit, [row.id, row.sender, row.protocol, row.session, row.envelope, row.at, row.reason])
  }

  deleteHeldInit(id: string): number {
    return this.commits.add(this.s.deleteHeldInit, [id])
  }

  async purgeProcessed(before: number): Promise<void> {
    this.s.purgeProcessed.run(before)
  }

  // ---- lifecycle ----

  /** Commits what is queued and closes; resolves once the commit mark's last file write is done too. */
  override close(): Promise<void> {
    if (!this.db.open) return Promise.resolve()
    this.stamp?.closing()
    this.commits.flush()
    this.commits.abandon()
    this.db.close()
    this.stamp?.afterClose()
    this.lock?.release()
    return this.stamp?.settled() ?? Promise.resolve()
  }

  crash(): void {
    this.stamp?.stop()
    this.commits.abandon()
    if (this.db.open) this.db.close()
    this.lock?.drop()
  }
}
