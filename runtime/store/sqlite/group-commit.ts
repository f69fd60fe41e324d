/**
 * Group commit: every write queued during one turn of the event loop runs in a single SQLite
 * transaction, flushed from setImmediate so that all flows reaching a suspension point in the same tick
 * share one fsync. Callers that need durability await `commit()`; writes whose loss is harmless until the
 * next forced commit (a receive's journal entry) are queued without waiting, and an acknowledged
 * message's outbox delete does not even schedule a transaction of its own (`addLazily`).
 */
import type Database from 'better-sqlite3'

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
  /** Number of the batch being filled; batches commit in order. */
  pendingBatch = 1
  committedBatch = 0
  /** Statistics for benchmarks and diagnostics. */
  readonly stats = { transactions: 0, writes: 0 }

  constructor(
    private readonly db: Database.Database,
    private readonly onFailure: (error: unknown) => void,
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
        this.db.exec('COMMIT')
        this.stats.transactions++
        this.stats.writes += writes.length
      } catch (error) {
        try {
          if (this.db.inTransaction) this.db.exec('ROLLBACK')
        } catch {
          // the connection is unusable; onFailure stops the node
        }
        for (const waiter of waiters) waiter.reject(error)
        this.closed = true
        this.onFailure(error)
        return
      }
    }
    this.committedBatch = batch
    for (const fn of after) fn()
    for (const waiter of waiters) waiter.resolve()
  }

  /** Drops whatever was not committed, as a crash would. */
  abandon(): void {
    this.closed = true
    if (this.lazyTimer) clearTimeout(this.lazyTimer)
    this.writes = []
    this.waiters = []
    this.after = []
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => this.flush())
  }
}
