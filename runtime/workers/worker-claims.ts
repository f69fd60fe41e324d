/**
 * Keys a worker holds while it decides something only one worker of the node may do (runtime/engine/
 * node-claims.ts: answer one session init, start one client id or caller-given flow id), as rows of
 * `claims`: a key is held by the worker whose token its row carries. Taking a key succeeds when it is free,
 * already this worker's, or held by a token no longer registered (its worker died or stopped: whatever it
 * did not commit never will, its fence refuses it). Releases are batched per event-loop turn; claims of
 * workers that are gone are deleted at each takeover. A key longer than 256 characters (a long client id) is
 * kept as its SHA-256, so every key fits the primary key's index.
 */
import { createHash } from 'node:crypto'
import type pg from 'pg'
import type { ForwardTarget } from './flow-forwarding.js'
import { quoteIdent } from './sql-names.js'

/** The row id of a key. */
function rowId(key: string): string {
  return key.length <= 256 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`
}

/** One attempt: true when this worker holds `id` now. */
export async function tryClaim({ pool, schema, token }: ForwardTarget, id: string): Promise<boolean> {
  const s = quoteIdent(schema)
  const { rows } = await pool.query(
    `INSERT INTO ${s}.claims (id, token) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET token = excluded.token, at = clock_timestamp()
      WHERE ${s}.claims.token = excluded.token OR NOT EXISTS (SELECT 1 FROM ${s}.workers w WHERE w.token = ${s}.claims.token)
     RETURNING token`,
    [rowId(id), token],
  )
  return rows.length > 0
}

/** Lets go of keys this worker holds. */
export async function releaseClaims({ pool, schema, token }: ForwardTarget, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  await pool.query(`DELETE FROM ${quoteIdent(schema)}.claims WHERE id = ANY($1::text[]) AND token = $2`, [ids.map(rowId), token])
}

/** Deletes the claims of workers no longer registered. */
export async function forgetClaims(pool: pg.Pool, schema: string): Promise<void> {
  const s = quoteIdent(schema)
  await pool.query(`DELETE FROM ${s}.claims c WHERE NOT EXISTS (SELECT 1 FROM ${s}.workers w WHERE w.token = c.token)`)
}
