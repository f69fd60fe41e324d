/**
 * Handing a message to the worker that owns its flow (docs/scale-out.md, section 4), in one statement (so
 * one transaction and one round trip): the owner row is read FOR SHARE (a claim of the flow waits for it),
 * the envelope is written to `forwarded` when another worker owns the flow, and that worker is woken with
 * `pg_notify` on its channel, which PostgreSQL sends only if the statement commits. Once it returned, the
 * message is durably with the owner (or its successor, who reads `forwarded` after a claim), and the
 * transport may acknowledge it to the broker.
 */
import type pg from 'pg'
import type { MessageRoute } from '../engine/flow-ownership.js'
import { quoteIdent, workerChannel } from './sql-names.js'

export interface ForwardTarget {
  readonly pool: pg.Pool
  readonly schema: string
  /** The forwarding worker's token: a flow it owns itself is not forwarded. */
  readonly token: string
}

/**
 * 'forwarded' when another worker owns the flow (the message is then in its `forwarded` rows), 'here' when
 * this worker owns it or no worker does (a flow not claimed yet: loading it is refused until someone claims it).
 */
export async function forwardMessage({ pool, schema, token }: ForwardTarget, flowId: string, body: Buffer): Promise<MessageRoute> {
  const s = quoteIdent(schema)
  const channelPrefix = workerChannel(schema, '')
  const { rows } = await pool.query<{ owner: string | null; woken: string }>(
    `WITH owner AS (SELECT token FROM ${s}.flow_owners WHERE flow_id = $1 FOR SHARE),
          moved AS (INSERT INTO ${s}.forwarded (flow_id, body) SELECT $1, $3 FROM owner WHERE owner.token <> $2 RETURNING flow_id),
          woken AS (SELECT pg_notify($4 || owner.token::text, '') FROM owner, moved)
     SELECT (SELECT token FROM owner) AS owner, (SELECT count(*) FROM woken) AS woken`,
    [flowId, token, body, channelPrefix],
  )
  const owner = rows[0]?.owner
  return owner != null && owner !== token ? 'forwarded' : 'here'
}

/** Whether `token` owns the flow. */
export async function ownsFlow({ pool, schema, token }: ForwardTarget, flowId: string): Promise<boolean> {
  const { rows } = await pool.query(`SELECT 1 FROM ${quoteIdent(schema)}.flow_owners WHERE flow_id = $1 AND token = $2`, [flowId, token])
  return rows.length > 0
}

/** A message forwarded to this worker and not yet taken. */
export interface ForwardedRow {
  readonly id: string
  readonly flow_id: string
  readonly body: Buffer
}

/** Up to `limit` messages forwarded for flows `token` owns, oldest first. */
export async function forwardedTo({ pool, schema, token }: ForwardTarget, limit: number): Promise<ForwardedRow[]> {
  const s = quoteIdent(schema)
  const { rows } = await pool.query<ForwardedRow>(
    `SELECT f.id, f.flow_id, f.body FROM ${s}.forwarded f JOIN ${s}.flow_owners o ON o.flow_id = f.flow_id
      WHERE o.token = $1 ORDER BY f.id LIMIT $2`,
    [token, limit],
  )
  return rows
}

/** Removes forwarded messages the engine recorded. */
export async function takeForwarded({ pool, schema }: ForwardTarget, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return
  await pool.query(`DELETE FROM ${quoteIdent(schema)}.forwarded WHERE id = ANY($1::bigint[])`, [ids])
}
