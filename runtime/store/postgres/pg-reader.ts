/**
 * The connection reads go over: one session in pg's pipeline mode, so every read is sent at once, however
 * many are outstanding, and the server answers them in order without a round trip between them. (With a
 * pool, a burst of reads, such as the two look-ups each arriving session init costs, queued for a free
 * connection, one round trip each: measured under load, reads waited most of a second.) A lost connection
 * fails the reads in flight and the next read opens another.
 */
import type pg from 'pg'
import { lostConnection } from './pg-writer.js'

/** What reads need of a connection (a pool for one-off looks, PgReader for a store). */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>
}

export class PgReader implements Queryable {
  private client: Promise<pg.PoolClient> | undefined
  private closed = false

  constructor(private readonly pool: pg.Pool) {}

  async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    const opening = (this.client ??= this.open())
    const client = await opening
    try {
      return await client.query<R>(text, values)
    } catch (error) {
      if (lostConnection(error)) this.drop(opening)
      throw error
    }
  }

  /** Gives the connection back for good (the store is closing). */
  close(): void {
    this.closed = true
    if (this.client) this.drop(this.client)
  }

  private async open(): Promise<pg.PoolClient> {
    const opening = this.pool.connect()
    const client = await opening
    client.on('error', () => this.drop(Promise.resolve(client))) // broken while idle: the next read reconnects
    if (this.closed) client.release(true)
    return client
  }

  private drop(opening: Promise<pg.PoolClient>): void {
    if (this.client === opening) this.client = undefined
    opening.then((client) => client.release(true)).catch(() => {})
  }
}
