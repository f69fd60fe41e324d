/**
 * Taking over the flows of workers whose lease ran out (docs/scale-out.md, section 3):
 *
 * 1. `expireWorkers` deletes the rows of expired workers, locking them FOR UPDATE SKIP LOCKED: a worker
 *    whose commit is in flight holds its row FOR KEY SHARE (the fence) and is skipped this round. From this
 *    commit on, the expired worker's fence finds no row and it can commit nothing.
 * 2. `claimOrphans` claims, in one transaction that starts with the claimer's own fence, up to a batch of
 *    flows whose owner's token is no longer registered (FOR UPDATE SKIP LOCKED, so survivors share the work
 *    without waiting on each other; the dead tokens are passed as values, so a row another claimer took
 *    meanwhile is re-checked against its new token and skipped), and, when the store's `flows` table is there, running flows that have no owner
 *    row at all (a store an embedded node used before).
 *
 * `takeOver` runs both and hands each claimed batch to the caller (the engine adopts them: replay, timers,
 * outbox, forwarded messages) before claiming the next.
 */
import type pg from 'pg'
import { quoteIdent } from './sql-names.js'
import type { CommitFence } from './worker-fence.js'

export interface ClaimTarget {
  readonly pool: pg.Pool
  readonly schema: string
  /** The claimer's token and fence: a claimer that lost its lease claims nothing. */
  readonly token: string
  readonly fence: CommitFence
  readonly claimBatch: number
  /** Whether the store's `flows` table exists (running flows without an owner row are claimed too). */
  readonly flowsTable: boolean
}

/** Deletes the rows of workers whose lease ran out (skipping those with a commit in flight); their tokens. */
export async function expireWorkers(pool: pg.Pool, schema: string): Promise<string[]> {
  const s = quoteIdent(schema)
  const { rows } = await pool.query<{ token: string }>(
    `DELETE FROM ${s}.workers WHERE token IN (
       SELECT token FROM ${s}.workers WHERE lease_until < clock_timestamp() FOR UPDATE SKIP LOCKED)
     RETURNING token`,
  )
  const tokens = rows.map((row) => row.token)
  if (tokens.length > 0) await forgetWriters(pool, schema, tokens)
  return tokens
}

/**
 * Deletes the store's commit marks (`writers` rows, `worker-<token>`) of workers that are gone: each worker
 * writes under its own id, and a dead one's mark would otherwise stay for good.
 */
export async function forgetWriters(pool: pg.Pool, schema: string, tokens: readonly string[]): Promise<void> {
  const s = quoteIdent(schema)
  await pool.query(
    `DO $forget$ BEGIN
       IF to_regclass('${s.replaceAll("'", "''")}.writers') IS NOT NULL THEN
         DELETE FROM ${s}.writers WHERE id = ANY(ARRAY[${tokens.map((token) => `'worker-${BigInt(token).toString()}'`).join(', ')}]);
       END IF;
     END $forget$`,
  )
}

/** Claims up to one batch of orphaned flows for the claimer; their ids (empty when none is left). */
export async function claimOrphans(target: ClaimTarget): Promise<string[]> {
  const { pool, schema, token, fence, claimBatch, flowsTable } = target
  const s = quoteIdent(schema)
  const client = await pool.connect()
  // The fence's idle-in-transaction timeout may end this connection while the process is paused: an
  // error then, not a crash (the next statement fails and the claim rolls back).
  let broken = false
  const ignore = () => {
    broken = true
  }
  client.on('error', ignore)
  try {
    await client.query('BEGIN')
    await fence(client)
    // The tokens owning flows that no registered worker holds, found by a skip scan of the token index (one
    // probe per distinct token). They are passed as values, not as a NOT EXISTS: a row another claimer just
    // took is re-checked against its new token under FOR UPDATE, which an anti-join would not be.
    const dead = await client.query<{ token: string }>(
      `WITH RECURSIVE t AS (
         (SELECT token FROM ${s}.flow_owners ORDER BY token LIMIT 1)
         UNION ALL
         SELECT (SELECT o.token FROM ${s}.flow_owners o WHERE o.token > t.token ORDER BY o.token LIMIT 1) FROM t WHERE t.token IS NOT NULL)
       SELECT token FROM t WHERE token IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${s}.workers w WHERE w.token = t.token)`,
    )
    const deadTokens = dead.rows.map((row) => row.token)
    const orphans = await client.query<{ flow_id: string }>(
      `WITH orphans AS (
         SELECT o.flow_id FROM ${s}.flow_owners o WHERE o.token = ANY($3::bigint[])
          LIMIT $2 FOR UPDATE OF o SKIP LOCKED)
       UPDATE ${s}.flow_owners f SET token = $1 FROM orphans
        WHERE f.flow_id = orphans.flow_id AND f.token = ANY($3::bigint[]) RETURNING f.flow_id`,
      [token, claimBatch, deadTokens],
    )
    const claimed = orphans.rows.map((row) => row.flow_id)
    if (flowsTable && claimed.length < claimBatch) {
      const unowned = await client.query<{ flow_id: string }>(
        `INSERT INTO ${s}.flow_owners (flow_id, token)
         SELECT f.id, $1 FROM ${s}.flows f
          WHERE f.status = 'running' AND NOT EXISTS (SELECT 1 FROM ${s}.flow_owners o WHERE o.flow_id = f.id)
          LIMIT $2
         ON CONFLICT (flow_id) DO NOTHING RETURNING flow_id`,
        [token, claimBatch - claimed.length],
      )
      for (const row of unowned.rows) claimed.push(row.flow_id)
    }
    await client.query('COMMIT')
    return claimed
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    client.off('error', ignore)
    client.release(broken)
  }
}

/** What one takeover did. */
export interface TakeoverResult {
  /** Workers whose rows were removed (their lease ran out). */
  readonly expired: number
  /** Flows claimed (from those workers, earlier ones, or without an owner). */
  readonly claimed: number
}

/**
 * Expires silent workers, then claims orphans batch by batch, awaiting `adopt` for each batch before the
 * next.
 */
export async function takeOver(target: ClaimTarget, adopt: (flowIds: string[]) => Promise<void>): Promise<TakeoverResult> {
  const expired = (await expireWorkers(target.pool, target.schema)).length
  let claimed = 0
  for (;;) {
    const batch = await claimOrphans(target)
    if (batch.length === 0) return { expired, claimed }
    claimed += batch.length
    await adopt(batch)
  }
}
