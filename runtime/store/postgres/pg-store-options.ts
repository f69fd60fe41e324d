/** What a PostgreSQL store is opened with (PgFlowStore.open). */
import type pg from 'pg'
import type { Durability } from '../flow-store.js'

export interface PgStoreOptions {
  /** `postgres://user:password@host:port/database` (the password never appears in messages). */
  readonly url: string
  /** The PostgreSQL schema (namespace) holding the node's tables, created if missing; default `colloquy`. */
  readonly schema?: string
  /** 'full' (default): synchronous_commit on; 'fast': off, a database crash may lose the last commits. */
  readonly durability?: Durability
  /** Back-off of a commit that failed on a fault that may clear (default: 50 ms, doubling up to 5 s). */
  readonly commitRetry?: CommitRetry
  /** Connections per store: the writer and readers (default 4). */
  readonly connections?: number
  /**
   * Runs first inside every commit transaction, on its connection, before the batch's writes (worker
   * processes check their lease and fencing token here). A throw aborts that commit; the store then treats
   * it as a failure that waiting cannot clear: it reports it (`onCommitFailure`, retryInMs undefined),
   * rejects the batch's waiters and takes no more writes.
   */
  readonly fence?: (tx: pg.PoolClient) => Promise<void>
  /**
   * true (default): the store takes its one-writer advisory lock (pg-writer-lock.ts) and refuses to open
   * while another process holds it (StoreInUseError). false: no lock, for worker processes that serve one
   * node together and fence their commits instead; each must then give its own `writerId`.
   */
  readonly exclusive?: boolean
  /** Names this writer's row in `writers` (its last committed batch); default 'node'. */
  readonly writerId?: string
}

/** Back-off of a failed commit: the first retry after `firstMs`, doubling up to `maxMs`. */
export interface CommitRetry {
  readonly firstMs: number
  readonly maxMs: number
}
