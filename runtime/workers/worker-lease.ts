/**
 * One worker's registration (docs/scale-out.md, section 3): `register` takes the next fencing token and
 * inserts the worker's row with `lease_until` a lease from now (database time); `renew` moves it on and says
 * whether the row is still there (a takeover deletes it: the worker was taken over and must stop);
 * `release` deletes the row on an orderly stop, so the other workers claim its flows at once instead of
 * after the lease. `keepAlive` renews every third of the lease and calls `lost` once, with
 * WorkerLeaseLostError, when the row is gone or the database could not be reached for a whole lease.
 */
import { hostname } from 'node:os'
import type pg from 'pg'
import { forgetWriters } from './flow-takeover.js'
import { quoteIdent } from './sql-names.js'
import { WorkerLeaseLostError } from './worker-errors.js'
import { type CommitFence, workerFence } from './worker-fence.js'

export interface LeaseTarget {
  readonly pool: pg.Pool
  readonly schema: string
  readonly node: string
  readonly leaseMs: number
}

export class WorkerLease {
  private timer: NodeJS.Timeout | undefined
  private renewing: Promise<boolean> | undefined
  private lastRenewed = Date.now()
  private ended = false
  /** The commit fence for this worker's store (worker-fence.ts). */
  readonly fence: CommitFence

  private constructor(
    private readonly target: LeaseTarget,
    /** This worker's fencing token (a bigint, as decimal text). */
    readonly token: string,
  ) {
    this.fence = workerFence({ ...target, token })
  }

  /** Registers a worker of `node` with a fresh token and a lease starting now. */
  static async register(target: LeaseTarget): Promise<WorkerLease> {
    const s = quoteIdent(target.schema)
    const { rows } = await target.pool.query<{ token: string }>(
      `INSERT INTO ${s}.workers (token, node, pid, host, lease_until)
       VALUES (nextval('${s}.worker_tokens'), $1, $2, $3, clock_timestamp() + $4 * interval '1 millisecond') RETURNING token`,
      [target.node, process.pid, hostname(), target.leaseMs],
    )
    return new WorkerLease(target, rows[0]!.token)
  }

  /** Extends the lease; false when this worker's row is gone (taken over). Concurrent calls share one query. */
  renew(): Promise<boolean> {
    this.renewing ??= this.renewOnce().finally(() => {
      this.renewing = undefined
    })
    return this.renewing
  }

  private async renewOnce(): Promise<boolean> {
    const { pool, schema, leaseMs } = this.target
    const { rowCount } = await pool.query(
      `UPDATE ${quoteIdent(schema)}.workers SET lease_until = clock_timestamp() + $2 * interval '1 millisecond' WHERE token = $1`,
      [this.token, leaseMs],
    )
    if (rowCount === 1) this.lastRenewed = Date.now()
    return rowCount === 1
  }

  /**
   * Renews every third of the lease; `lost` is called once when the row is gone or renewals failed for a
   * whole lease; `renewed` after each renewal that succeeded (the takeover runs there).
   */
  keepAlive(lost: (error: WorkerLeaseLostError) => void, renewed: () => void = () => undefined): void {
    const { leaseMs, node } = this.target
    const tick = async () => {
      let kept: boolean | undefined
      try {
        kept = await this.renew()
      } catch {
        kept = Date.now() - this.lastRenewed < leaseMs ? undefined : false
      }
      if (this.ended) return
      if (kept === false) {
        this.stop()
        lost(
          new WorkerLeaseLostError(
            `Worker ${this.token} of node ${node} lost its lease: its row was taken over by another worker, or the database could not be reached for ${leaseMs} ms. It stops taking work; restart the process.`,
          ),
        )
        return
      }
      if (kept) renewed()
      this.timer = setTimeout(tick, Math.max(1, Math.floor(leaseMs / 3)))
      this.timer.unref()
    }
    this.timer = setTimeout(tick, Math.max(1, Math.floor(leaseMs / 3)))
    this.timer.unref()
  }

  /** Stops renewing (the lease then runs out unless released). */
  stop(): void {
    this.ended = true
    if (this.timer) clearTimeout(this.timer)
  }

  /** Stops renewing and deletes this worker's row: its flows are orphans at once, for the others to claim. */
  async release(): Promise<void> {
    this.stop()
    await this.target.pool.query(`DELETE FROM ${quoteIdent(this.target.schema)}.workers WHERE token = $1`, [this.token])
    await forgetWriters(this.target.pool, this.target.schema, [this.token])
  }
}
