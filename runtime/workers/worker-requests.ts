/**
 * Operations one worker asks of the worker that owns a flow (a signal, a kill, a hospital retry; the engine
 * encodes them, runtime/engine/flow-requests.ts), as rows of `flow_requests` (docs/scale-out.md, section 4):
 *
 * - `askOwner`: one statement reads the owner FOR SHARE (a claim of the flow waits for it), writes the request
 *   when another worker owns the flow and wakes that worker on its channel; no row ('here') when this worker
 *   owns the flow or no worker does.
 * - `takeRequests`: the owner marks the requests for its flows no live worker took (`taken_by`), oldest first;
 *   a request whose taker died is taken again by the flow's next owner.
 * - `answerRequests`: the owner writes each answer and wakes the requester on its channel.
 * - `collectAnswers`: the requester reads and deletes its answered requests.
 * - `takeBack`: the requester deletes the requests no one took and no worker will (the flow has no owner row:
 *   it finished); it runs them itself (the engine then finds no flow).
 * - `withdraw`: the requester deletes a read it no longer waits for.
 * - `forgetRequests`: answered requests whose requester is gone are deleted.
 */
import type pg from 'pg'
import type { ForwardTarget } from './flow-forwarding.js'
import { quoteIdent, workerChannel } from './sql-names.js'

/** The request's id when it went to another worker, or 'here'; a `read` goes only to an owner whose lease holds. */
export async function askOwner({ pool, schema, token }: ForwardTarget, flowId: string, body: Buffer, read = false): Promise<string | 'here'> {
  const s = quoteIdent(schema)
  const { rows } = await pool.query<{ id: string | null; woken: string }>(
    `WITH owner AS (SELECT o.token FROM ${s}.flow_owners o WHERE o.flow_id = $1
                      AND (NOT $5::boolean OR EXISTS (SELECT 1 FROM ${s}.workers w WHERE w.token = o.token AND w.lease_until > clock_timestamp()))
                    FOR SHARE OF o),
          asked AS (INSERT INTO ${s}.flow_requests (flow_id, requester, body) SELECT $1, $2, $3 FROM owner WHERE owner.token <> $2 RETURNING id),
          woken AS (SELECT pg_notify($4 || owner.token::text, '') FROM owner, asked)
     SELECT (SELECT id FROM asked) AS id, (SELECT count(*) FROM woken) AS woken`,
    [flowId, token, body, workerChannel(schema, ''), read],
  )
  return rows[0]?.id ?? 'here'
}

/** A request for a flow this worker owns. */
export interface RequestRow {
  readonly id: string
  readonly flow_id: string
  readonly body: Buffer
}

/** Takes up to `limit` unanswered requests for flows `token` owns that no live worker (other than itself) took. */
export async function takeRequests({ pool, schema, token }: ForwardTarget, limit: number): Promise<RequestRow[]> {
  const s = quoteIdent(schema)
  const { rows } = await pool.query<RequestRow>(
    `WITH open AS (
       SELECT r.id FROM ${s}.flow_requests r JOIN ${s}.flow_owners o ON o.flow_id = r.flow_id
        WHERE o.token = $1 AND r.answer IS NULL
          AND (r.taken_by IS NULL OR r.taken_by = $1 OR NOT EXISTS (SELECT 1 FROM ${s}.workers w WHERE w.token = r.taken_by))
        ORDER BY r.id LIMIT $2 FOR UPDATE OF r SKIP LOCKED)
     UPDATE ${s}.flow_requests r SET taken_by = $1 FROM open WHERE r.id = open.id RETURNING r.id, r.flow_id, r.body`,
    [token, limit],
  )
  return rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)))
}

/** Writes the answers and wakes each requester. */
export async function answerRequests({ pool, schema }: ForwardTarget, answers: readonly { id: string; answer: Buffer }[]): Promise<void> {
  if (answers.length === 0) return
  const s = quoteIdent(schema)
  await pool.query(
    `WITH answered AS (
       UPDATE ${s}.flow_requests r SET answer = v.answer FROM unnest($1::bigint[], $2::bytea[]) AS v(id, answer)
        WHERE r.id = v.id RETURNING r.requester)
     SELECT pg_notify($3 || requester::text, '') FROM (SELECT DISTINCT requester FROM answered) a`,
    [answers.map((a) => a.id), answers.map((a) => a.answer), workerChannel(schema, '')],
  )
}

/** The answers to this worker's requests among `ids`, deleted as they are read. */
export async function collectAnswers({ pool, schema, token }: ForwardTarget, ids: readonly string[]): Promise<Map<string, Buffer>> {
  const { rows } = await pool.query<{ id: string; answer: Buffer }>(
    `DELETE FROM ${quoteIdent(schema)}.flow_requests WHERE id = ANY($1::bigint[]) AND requester = $2 AND answer IS NOT NULL RETURNING id, answer`,
    [ids, token],
  )
  return new Map(rows.map((row) => [row.id, row.answer]))
}

/** Takes back (deletes) this worker's requests among `ids` that no live worker took and whose flow has no owner any more. */
export async function takeBack({ pool, schema, token }: ForwardTarget, ids: readonly string[]): Promise<string[]> {
  const s = quoteIdent(schema)
  const { rows } = await pool.query<{ id: string }>(
    `DELETE FROM ${s}.flow_requests r WHERE r.id = ANY($1::bigint[]) AND r.requester = $2 AND r.answer IS NULL
        AND (r.taken_by IS NULL OR NOT EXISTS (SELECT 1 FROM ${s}.workers w WHERE w.token = r.taken_by))
        AND NOT EXISTS (SELECT 1 FROM ${s}.flow_owners o WHERE o.flow_id = r.flow_id)
      RETURNING r.id`,
    [ids, token],
  )
  return rows.map((row) => row.id)
}

/** Deletes one of this worker's requests, answered or not (a read it no longer waits for). */
export async function withdraw({ pool, schema, token }: ForwardTarget, id: string): Promise<void> {
  await pool.query(`DELETE FROM ${quoteIdent(schema)}.flow_requests WHERE id = $1 AND requester = $2`, [id, token])
}

/** Deletes answered requests whose requester is no longer registered (it stopped or died waiting). */
export async function forgetRequests(pool: pg.Pool, schema: string): Promise<void> {
  const s = quoteIdent(schema)
  await pool.query(`DELETE FROM ${s}.flow_requests r WHERE r.answer IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${s}.workers w WHERE w.token = r.requester)`)
}
