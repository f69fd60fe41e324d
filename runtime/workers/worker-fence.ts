/**
 * The fence a worker's store runs first inside every commit transaction (docs/scale-out.md, section 3):
 * one statement that finds the worker's row with its token and an unexpired lease (database time) and
 * locks it FOR KEY SHARE until the transaction ends, so a takeover (which deletes the row) waits for this
 * commit or skips the worker this round; a commit can never land after its worker was taken over. The
 * same statement sets, for this transaction only, the token the ownership trigger gives new flows
 * (`colloquy.worker_token`) and `idle_in_transaction_session_timeout` (half the lease), so a process
 * stopped inside a transaction (SIGSTOP) loses it and its lock. No row: WorkerFencedError, the store rolls
 * back and takes no more writes.
 */
import type pg from 'pg'
import { quoteIdent } from './sql-names.js'
import { WorkerFencedError } from './worker-errors.js'

/** What a PostgreSQL store runs first in each commit transaction; throws to refuse the commit. */
export type CommitFence = (tx: pg.ClientBase) => Promise<void>

export interface FenceTarget {
  readonly schema: string
  readonly node: string
  readonly token: string
  readonly leaseMs: number
}

export function workerFence({ schema, node, token, leaseMs }: FenceTarget): CommitFence {
  const sql = `SELECT set_config('colloquy.worker_token', token::text, true), set_config('idle_in_transaction_session_timeout', $2, true)
    FROM ${quoteIdent(schema)}.workers WHERE token = $1 AND lease_until > clock_timestamp() FOR KEY SHARE`
  const params = [token, String(Math.max(100, Math.floor(leaseMs / 2)))]
  return async (tx) => {
    const { rowCount } = await tx.query(sql, params)
    if (rowCount === 1) return
    throw new WorkerFencedError(
      `Worker ${token} of node ${node} lost its lease (another worker took its flows over, or it was stopped longer than ${leaseMs} ms), so its commit was refused and nothing of it was written. Restart the worker process; it registers again with a new token.`,
    )
  }
}
