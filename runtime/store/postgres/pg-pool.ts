/**
 * The store's connections: one pg Pool per store, whose sessions run with the store's durability
 * (`synchronous_commit` on for 'full', off for 'fast': a commit then returns before its WAL record is flushed,
 * and a server crash may lose the last commits, as SQLite's synchronous=NORMAL may on power loss), in pg's
 * pipeline mode (a batch's statements go out back to back, pg-writer.ts). `bigint` columns are read as
 * numbers (counts and sequence numbers stay far below 2^53). The URL is named in messages without its password.
 */
import { hostname } from 'node:os'
import pg from 'pg'
import type { Durability } from '../flow-store.js'
import { StoreUnavailableError } from '../store-errors.js'

const INT8 = 20

const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8 ? (text: string) => Number(text) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

export function createPool(url: string, durability: Durability, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types,
    application_name: `colloquy ${hostname()} pid ${process.pid}`,
    options: `-c synchronous_commit=${durability === 'fast' ? 'off' : 'on'}`,
    pipeline: true,
    connectionTimeoutMillis: 10_000,
  })
  // An idle connection that breaks (the server restarted) is dropped by the pool; the next use opens another.
  pool.on('error', () => {})
  return pool
}

/** The URL without its password, for messages and `store.location`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'an unparseable PostgreSQL URL'
  }
}

const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET'])
/** SQLSTATEs of a server that refuses the node: bad login, no such database, starting up or shutting down, too many connections. */
const refused = /^(28|3D|08|57P0|53300)/

/** An error met while connecting at open, as StoreUnavailableError when it says the database cannot be reached or refused the node. */
export function asUnavailable(url: string, error: unknown): unknown {
  const code = (error as { code?: unknown })?.code
  const message = (error as Error)?.message ?? String(error)
  const timedOut = /timeout|terminated/i.test(message) && code === undefined
  if (!(typeof code === 'string' && (unreachable.has(code) || refused.test(code))) && !timedOut) return error
  return new StoreUnavailableError(
    `The PostgreSQL store at ${redactUrl(url)} could not be used: ${message}${typeof code === 'string' ? ` (${code})` : ''}. ` +
      "Start the database server, or correct the store URL (host, port, user, database) in the node's configuration, then start the node again.",
    { cause: error },
  )
}
