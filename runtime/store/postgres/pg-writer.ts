/**
 * The writer: the one connection every commit runs on. A batch is sent back to back in pg's pipeline mode,
 * without waiting between statements: BEGIN, its writes grouped into few statements over arrays
 * (pg-batch-plan.ts; each prepared once per connection), the mark, COMMIT; so it costs about one round
 * trip whatever its size. A
 * statement that fails aborts the transaction (PostgreSQL answers the COMMIT with a rollback) and the
 * batch fails with that statement's error. With a `fence`, BEGIN and the fence's own statements go first and
 * are awaited; a fence that throws aborts the commit.
 *
 * The mark: every commit also records its batch number in `writers` (one row per writer id). When the
 * connection is lost during a commit, whether it committed is unknown; the next attempt reconnects, reads
 * the mark and, if the batch is there, counts it as committed instead of running it twice. Reconnecting
 * takes the one-writer lock again (pg-writer-lock.ts) when the store is exclusive: a lost connection lost
 * the lock with it, and another node may have taken it meanwhile.
 */
import type pg from 'pg'
import type { PgStoreOptions } from './pg-store-options.js'
import { takeWriterLock } from './pg-writer-lock.js'
import { qualified } from './pg-schema.js'
import { planBatch } from './pg-batch-plan.js'
import { markStatement, type PgWrite } from './pg-statements.js'

const begin = { name: 'colloquy_begin', text: 'BEGIN' }
const commit = { name: 'colloquy_commit', text: 'COMMIT' }

/** Errors a fence threw: never retried (the fence decided this writer may not commit). */
const fenced = new WeakSet<object>()

export function refusedByFence(error: unknown): boolean {
  return typeof error === 'object' && error !== null && fenced.has(error)
}

export class PgWriter {
  private client: pg.PoolClient | undefined
  private broken = false
  /** The batch whose commit lost its connection: committed or not, the mark tells. */
  private uncertain: number | undefined
  private readonly writers: string
  private readonly markText: string

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly location: string,
    private readonly options: Pick<PgStoreOptions, 'fence' | 'exclusive' | 'writerId'>,
  ) {
    this.writers = qualified(schema, 'writers')
    this.markText = markStatement(schema)
  }

  private get writerId(): string {
    return this.options.writerId ?? 'node'
  }

  /** The writer's connection, opened (and the lock taken) when there is none. */
  async connection(lockWaitMs = 0): Promise<pg.PoolClient> {
    if (this.client && !this.broken) return this.client
    this.drop()
    const client = await this.pool.connect()
    this.broken = false
    client.on('error', () => {
      this.broken = true // the socket broke while idle: the next commit reconnects
    })
    try {
      if (this.options.exclusive !== false) await takeWriterLock(client, this.schema, this.location, lockWaitMs)
    } catch (error) {
      client.release(true)
      throw error
    }
    this.client = client
    return client
  }

  /** Forgets this writer's mark from an earlier run (batch numbers start again at 1 with each open). */
  async resetMark(): Promise<void> {
    await (await this.connection()).query(`DELETE FROM ${this.writers} WHERE id = $1`, [this.writerId])
  }

  /** Runs one batch in one transaction; throws what failed (pg-retryable.ts tells whether to try again). */
  async commit(writes: readonly PgWrite[], batch: number): Promise<void> {
    const client = await this.connection()
    if (this.uncertain === batch) {
      const found = await client.query<{ batch: number }>(`SELECT batch FROM ${this.writers} WHERE id = $1`, [this.writerId])
      this.uncertain = undefined
      if ((found.rows[0]?.batch ?? 0) >= batch) return // it committed before the connection went
    }
    const fence = this.options.fence
    try {
      const sent: Promise<unknown>[] = []
      if (fence === undefined) sent.push(client.query(begin))
      else {
        await client.query(begin)
        try {
          await fence(client)
        } catch (error) {
          if (typeof error === 'object' && error !== null) fenced.add(error)
          throw error
        }
      }
      for (const statement of planBatch(writes)) sent.push(client.query(statement))
      sent.push(client.query({ name: 'mark', text: this.markText, values: [this.writerId, batch] }))
      sent.push(client.query(commit))
      // Every answer is awaited (the connection stays in step); the first failure is the batch's.
      const failure = (await Promise.allSettled(sent)).find((result): result is PromiseRejectedResult => result.status === 'rejected')
      if (failure) throw failure.reason
    } catch (error) {
      if (this.broken || lostConnection(error)) {
        this.uncertain = batch
        this.drop()
      } else {
        await client.query('ROLLBACK').catch(() => this.drop())
      }
      throw error
    }
  }

  /** Closes the connection (the lock goes with its session). */
  drop(): void {
    const client = this.client
    this.client = undefined
    client?.release(true)
  }
}

/** An error that ended the connection rather than the statement (no SQLSTATE, or class 08 / 57P). */
export function lostConnection(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  if (typeof code === 'string') return /^(08|57P0)/.test(code) || /^E[A-Z]+$/.test(code)
  return /Connection terminated|connection.*(closed|ended)|Client has encountered a connection error|not queryable/i.test((error as Error)?.message ?? '')
}
