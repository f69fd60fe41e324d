/**
 * One node per PostgreSQL store, as store/sqlite/store-lock.ts is for a file: a session-level advisory lock
 * keyed by the schema name, held by the store's writer connection for as long as it is open. PostgreSQL
 * drops it when that session ends, so a node killed with SIGKILL never blocks its restart (the server
 * notices the closed socket). A second node on the same schema, in any process or on any host, gets
 * StoreInUseError naming the holder's session (its application name carries host and pid, pg-pool.ts).
 * Worker processes that serve one node together open the store with `exclusive: false` and skip it.
 * Two schema names whose hashes collide share the lock: the second is refused though it is free.
 */
import type pg from 'pg'
import { StoreInUseError } from '../store-errors.js'

/** Advisory lock class of the one-writer lock ('COLL'). */
export const WRITER_LOCK_CLASS = 0x434f4c4c

/** Takes the lock on `client`'s session, or throws StoreInUseError; waits up to `waitMs` for a holder that is going away. */
export async function takeWriterLock(client: pg.ClientBase, schema: string, location: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs
  for (;;) {
    const taken = await client.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS taken', [WRITER_LOCK_CLASS, schema])
    if (taken.rows[0]?.taken) return
    if (Date.now() >= deadline) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const holder = await client.query<{ pid: number; application_name: string; client_addr: string | null; backend_start: Date }>(
    `SELECT a.pid, a.application_name, a.client_addr::text AS client_addr, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::int::oid AND l.objid = hashtext($2)::oid AND l.objsubid = 2 LIMIT 1`,
    [WRITER_LOCK_CLASS, schema],
  )
  const row = holder.rows[0]
  const who = row
    ? `the database session ${row.pid} ('${row.application_name}'${row.client_addr ? ` from ${row.client_addr}` : ''}, since ${row.backend_start.toISOString()})`
    : 'another database session'
  throw new StoreInUseError(
    `The store ${location} is in use by ${who}; a store belongs to one node at a time, and two nodes on it would both resume its flows. ` +
      'Stop that node first, or give this one a schema of its own (store: { postgres: "<url>", schema: "<name>" }).',
  )
}
