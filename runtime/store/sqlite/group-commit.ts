/**
 * Group commit: every write queued during one turn of the event loop runs in a single SQLite
 * transaction, flushed from setImmediate so that all flows reaching a suspension point in the same tick
 * share one fsync. Callers that need durability await `commit()`; writes whose loss is harmless until the
 * next forced commit (a receive's journal entry) are queued without waiting, and an acknowledged
 * message's outbox delete does not even schedule a transaction of its own (`addLazily`).
 *
 * A commit that fails on a fault that may clear (disk full, I/O error, busy: `retryable`) keeps its batch:
 * nothing in it ran its after-commit callbacks or resolved its waiters, so nothing was acknowledged to a
 * peer or reported to a caller. The batch is tried again with back-off (doubling up to `maxMs`), together
 * with whatever was queued meanwhile, until it commits; the listener hears of every failure and of the
 * recovery. Any other failure (a broken constraint, a damaged file) rejects the waiters and closes.
 */
import type Database from 'better-sqlite3'
import type { CommitFaultListener } from '../flow-store.js'

interface Waiter {
  resolve(): void
  reject(error: unknown): void
}

export class GroupCommit {
  private writes: [Database.Statement, unknown[]][] = []
  private waiters: Waiter[] = []
  private after: (() => void)[] = []
  private scheduled = false
  private lazyTimer: NodeJS.Timeout | undefined
  private closed = false
  private retryTimer: NodeJS.Timeout | undefined
  /** Failed attempts in a row, and when the first of them failed. */
  private failures = 0
  private failingSince = 0
  /** Test hook: runs inside each transaction before COMMIT; a throw fails the commit as a storage fault would. */
  fault: (() => void) | undefined
  /** Runs after every transaction that wrote something (the commit counter, commit-mark.ts). */
  onCommitted: (() => void) | undefined
  /** Number of the batch being filled; batches commit in order. */
  pendingBatch = 1
  committedBatch = 0
  /** Statistics for benchmarks and diagnostics. */
  readonly stats = { transactions: 0, writes: 0 }

  constructor(
    private readonly db: Database.Database,
    private readonly listener: () => CommitFaultListener,
    private readonly retry: CommitRetry = { firstMs: 50, maxMs: 5000 },
  ) {}

  /** Queues a write into the current batch and returns the batch number. */
  add(statement: Database.Statement, params: unknown[]): number {
    if (this.closed) return this.pendingBatch
    this.writes.push([statement, params])
    this.schedule()
    return this.pendingBatch
  }

  /**
   * Queues a write whose loss in a crash is harmless (an acknowledged message's outbox delete: the
   * message would be re-sent and dropped as a duplicate). It rides on the next commit, or is committed
   * within `maxDelayMs` if nothing else commits, so it never costs an fsync of its own on a busy node.
   */
  addLazily(statement: Database.Statement, params: unknown[], maxDelayMs = 50): void {
    if (this.closed) return
    this.writes.push([statement, params])
    this.commitWithin(maxDelayMs)
  }

  /** Resolves once everything queued so far is committed, by the next commit or within `maxDelayMs`. */
  commitLazily(maxDelayMs = 50): Promise<void> {
    if (this.closed) return new Promise(() => {})
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject })
      this.commitWithin(maxDelayMs)
    })
  }

  private commitWithin(maxDelayMs: number): void {
    if (this.scheduled || this.lazyTimer) return
    this.lazyTimer = setTimeout(() => {
      this.lazyTimer = undefined
      this.schedule()
    }, maxDelayMs)
    this.lazyTimer.unref()
  }

  /** Resolves once everything queued so far is committed. */
  commit(): Promise<void> {
    if (this.closed) return new Promise(() => {})
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject })
      this.schedule()
    })
  }

  /** Runs `fn` right after the current batch commits (after the transaction, before waiters resume). */
  afterCommit(fn: () => void): void {
    if (this.closed) return
    this.after.push(fn)
    this.schedule()
  }

  /** Commits the current batch now (used on orderly stop). */
  flush(): void {
    if (this.closed) return
    if (this.retryTimer) {
      clearTimeout(this.retryTimer) // flushed now (an orderly stop): the retry is this attempt
      this.retryTimer = undefined
    }
    const writes = this.writes
    const waiters = this.waiters
    const after = this.after
    this.writes = []
    this.waiters = []
    this.after = []
    this.scheduled = false
    if (this.lazyTimer) {
      clearTimeout(this.lazyTimer)
      this.lazyTimer = undefined
    }
    const batch = this.pendingBatch++
    if (writes.length > 0) {
      try {
        this.db.exec('BEGIN')
        for (const [statement, params] of writes) statement.run(...params)
        if (this.fault !== undefined) this.fault()
        this.db.exec('COMMIT')
      } catch (error) {
        try {
          if (this.db.inTransaction) this.db.exec('ROLLBACK')
        } catch {
          // the connection is unusable; the next attempt (or the node stopping) finds out
        }
        this.failed(error, batch, writes, waiters, after)
        return
      }
      this.stats.transactions++
      this.stats.writes += writes.length
      if (this.failures > 0) this.recovered()
      if (this.onCommitted !== undefined) this.onCommitted()
    }
    this.committedBatch = batch
    for (const fn of after) fn()
    for (const waiter of waiters) waiter.resolve()
  }

  private failed(error: unknown, batch: number, writes: [Database.Statement, unknown[]][], waiters: Waiter[], after: (() => void)[]): void {
    if (this.failures++ === 0) this.failingSince = Date.now()
    if (!retryable(error)) {
      for (const waiter of waiters) waiter.reject(error)
      this.closed = true
      this.listener().failed({ error, attempts: this.failures, retryInMs: undefined })
      return
    }
    // Keep the batch: it goes first at the next attempt, with what is queued meanwhile (under the same number).
    this.pendingBatch = batch
    this.writes = writes.concat(this.writes)
    this.waiters = waiters.concat(this.waiters)
    this.after = after.concat(this.after)
    const retryInMs = Math.min(this.retry.firstMs * 2 ** Math.min(this.failures - 1, 20), this.retry.maxMs)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      this.flush()
    }, retryInMs)
    this.listener().failed({ error, attempts: this.failures, retryInMs })
  }

  private recovered(): void {
    const attempts = this.failures
    this.failures = 0
    this.listener().recovered(attempts, Date.now() - this.failingSince)
  }

  /** Drops whatever was not committed, as a crash would. */
  abandon(): void {
    this.closed = true
    if (this.lazyTimer) clearTimeout(this.lazyTimer)
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.writes = []
    this.waiters = []
    this.after = []
  }

  private schedule(): void {
    if (this.scheduled || this.retryTimer) return // a failed batch waits for its retry
    this.scheduled = true
    setImmediate(() => this.flush())
  }
}

/** Back-off of a failed commit: the first retry after `firstMs`, doubling up to `maxMs`. */
export interface CommitRetry {
  /** Delay before the first retry. */
  readonly firstMs: number
  /** Longest delay between retries. */
  readonly maxMs: number
}

/**
 * Faults that may clear without a change to the store: disk full, I/O errors, another connection holding a
 * lock, no memory, a read-only file (permissions fixed). A damaged file, a broken constraint or misuse
 * fails the same way every time.
 */
export function retryable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  if (typeof code !== 'string') return false
  return /^SQLITE_(FULL|IOERR|BUSY|LOCKED|NOMEM|READONLY|CANTOPEN|PROTOCOL|INTERRUPT)(_|$)/.test(code) && code !== 'SQLITE_READONLY_DBMOVED'
}
