/**
 * Group commit on PostgreSQL, with SQLite's semantics (store/sqlite/group-commit.ts): every write queued
 * during one turn of the event loop goes into one transaction (its statements sent back to back, pg-writer.ts),
 * flushed from setImmediate; after it commits,
 * the batch's own bookkeeping runs (each write's `committed`), then the after-commit callbacks, then the
 * waiters resume. Batches commit in order, one at a time: while one is in flight (a network round trip),
 * the writes of the following turns accumulate into the next batch, which starts the moment the first
 * committed, so throughput rides on batch size rather than stalling on the round trip.
 *
 * A batch that fails on a fault that may clear (connection lost, serialization failure, the server shutting
 * down or out of resources: pg-retryable.ts) is kept and tried again alone, under the same number, with
 * back-off; nothing in it ran its callbacks or resolved its waiters. Writes queued meanwhile wait behind it.
 * Any other failure (a broken constraint, a fence that refused) rejects its waiters and the store takes no
 * more writes. `addLazily` (an acknowledged message's outbox delete) rides on the next commit.
 */
import type { CommitFaultListener, Commits } from '../flow-store.js'
import { retryablePg } from './pg-retryable.js'
import type { PgWrite } from './pg-statements.js'
import type { CommitRetry } from './pg-store-options.js'

interface Waiter {
  resolve(): void
  reject(error: unknown): void
}

interface Batch {
  readonly number: number
  readonly writes: PgWrite[]
  readonly waiters: Waiter[]
  readonly after: (() => void)[]
}

export class PgGroupCommit implements Commits {
  private writes: PgWrite[] = []
  private waiters: Waiter[] = []
  private after: (() => void)[] = []
  private scheduled = false
  private lazyTimer: NodeJS.Timeout | undefined
  private retryTimer: NodeJS.Timeout | undefined
  /** The batch being committed, or failed and waiting for its retry. */
  private inFlight: Batch | undefined
  private failures = 0
  private failingSince = 0
  /** No more writes: crashed, closed, or failed beyond retry. */
  private closed = false
  private crashed = false
  private idleWaiters: (() => void)[] = []
  pendingBatch = 1
  committedBatch = 0
  readonly stats = { transactions: 0, writes: 0 }

  constructor(
    private readonly execute: (writes: readonly PgWrite[], batch: number) => Promise<void>,
    private readonly listener: () => CommitFaultListener,
    private readonly retry: CommitRetry = { firstMs: 50, maxMs: 5000 },
  ) {}

  add(write: PgWrite): number {
    if (this.closed) return this.pendingBatch
    this.writes.push(write)
    this.schedule()
    return this.pendingBatch
  }

  addLazily(write: PgWrite, maxDelayMs = 50): void {
    if (this.closed) return
    this.writes.push(write)
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

  commit(): Promise<void> {
    if (this.closed) return new Promise(() => {})
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject })
      this.schedule()
    })
  }

  afterCommit(fn: () => void): void {
    if (this.closed) return
    this.after.push(fn)
    this.schedule()
  }

  /** Starts committing the current batch now, or right after the one in flight. */
  flush(): void {
    if (this.closed || this.crashed) return
    this.start()
  }

  /** Takes no more writes; resolves once the batches queued so far committed (or failed for good). */
  close(): Promise<void> {
    this.flush()
    this.closed = true
    return this.idle()
  }

  /** Drops whatever was not committed, as a crash would; a commit in flight is left to the database. */
  abandon(): void {
    this.closed = true
    this.crashed = true
    if (this.lazyTimer) clearTimeout(this.lazyTimer)
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.writes = []
    this.waiters = []
    this.after = []
    this.inFlight = undefined
    this.settleIdle()
  }

  /** Resolves once nothing is queued or in flight (tests that step the event loop wait for commits with it). */
  settled(): Promise<void> {
    return this.idle()
  }

  private idle(): Promise<void> {
    if (this.inFlight === undefined && this.queued() === false) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private queued(): boolean {
    return this.writes.length > 0 || this.waiters.length > 0 || this.after.length > 0
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return // the batch in flight starts the next one when it is done
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.start()
    })
  }

  private start(): void {
    if (this.inFlight || this.crashed) return
    if (this.lazyTimer) {
      clearTimeout(this.lazyTimer)
      this.lazyTimer = undefined
    }
    const batch: Batch = { number: this.pendingBatch++, writes: this.writes, waiters: this.waiters, after: this.after }
    this.writes = []
    this.waiters = []
    this.after = []
    if (batch.writes.length === 0) {
      // Nothing to write, and nothing in flight: everything before is committed.
      this.committedBatch = batch.number
      for (const fn of batch.after) fn()
      for (const waiter of batch.waiters) waiter.resolve()
      this.settleIdle()
      return
    }
    this.attempt(batch)
  }

  private attempt(batch: Batch): void {
    this.inFlight = batch
    this.execute(batch.writes, batch.number).then(
      () => this.succeeded(batch),
      (error: unknown) => this.failed(batch, error),
    )
  }

  private succeeded(batch: Batch): void {
    if (this.inFlight !== batch) return // crashed meanwhile
    this.inFlight = undefined
    this.stats.transactions++
    this.stats.writes += batch.writes.length
    if (this.failures > 0) {
      const attempts = this.failures
      this.failures = 0
      this.listener().recovered(attempts, Date.now() - this.failingSince)
    }
    this.committedBatch = batch.number
    for (const write of batch.writes) write.committed?.()
    for (const fn of batch.after) fn()
    for (const waiter of batch.waiters) waiter.resolve()
    if (this.queued()) this.start()
    else this.settleIdle()
  }

  private failed(batch: Batch, error: unknown): void {
    if (this.inFlight !== batch) return // crashed meanwhile
    if (this.failures++ === 0) this.failingSince = Date.now()
    if (this.closed && retryablePg(error)) {
      // Closing: one attempt, as SQLite's close makes; what did not commit is resumed from the store by the next open.
      this.listener().failed({ error, attempts: this.failures, retryInMs: undefined })
      this.abandon()
      return
    }
    if (!retryablePg(error)) {
      this.inFlight = undefined
      this.closed = true
      for (const waiter of [...batch.waiters, ...this.waiters]) waiter.reject(error)
      this.writes = []
      this.waiters = []
      this.after = []
      this.listener().failed({ error, attempts: this.failures, retryInMs: undefined })
      this.settleIdle()
      return
    }
    const retryInMs = Math.min(this.retry.firstMs * 2 ** Math.min(this.failures - 1, 20), this.retry.maxMs)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      if (this.inFlight === batch) this.attempt(batch)
    }, retryInMs)
    this.listener().failed({ error, attempts: this.failures, retryInMs })
  }

  private settleIdle(): void {
    if (this.inFlight || (this.queued() && !this.crashed)) return
    for (const resolve of this.idleWaiters.splice(0)) resolve()
  }
}
