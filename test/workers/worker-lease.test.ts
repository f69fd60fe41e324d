/**
 * Leases and fencing of worker processes against a real PostgreSQL (docs/scale-out.md, section 3): tokens
 * strictly increase, renewal extends the lease and tells a worker it was taken over, expired workers are
 * removed and their flows claimed in batches shared between survivors (SKIP LOCKED), a commit of a worker
 * that lost its lease is refused with nothing written, a commit in flight holds off the takeover, and a
 * transaction left open by a stopped process is ended by the server.
 */
import type pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { claimOrphans, expireWorkers, takeOver } from '../../runtime/workers/flow-takeover.js'
import { WorkerFencedError } from '../../runtime/workers/worker-errors.js'
import { WorkerLease } from '../../runtime/workers/worker-lease.js'
import { installWorkerSchema } from '../../runtime/workers/worker-schema.js'
import { type TestSchema, testSchema } from './support/pg-schema.js'

let schema: TestSchema
let pool: pg.Pool

beforeEach(async () => {
  schema = await testSchema()
  await schema.createFlowsTable()
  pool = schema.pool(8)
  expect(await installWorkerSchema(pool, schema.name)).toBe(true)
})

afterEach(async () => {
  await schema.drop()
})

const register = (leaseMs = 10_000) => WorkerLease.register({ pool, schema: schema.name, node: 'Seller', leaseMs })
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `body` in a transaction that starts with `lease`'s fence, as the store's commit does. */
async function commitAs(lease: WorkerLease, body: (tx: pg.PoolClient) => Promise<void>): Promise<void> {
  const tx = await pool.connect()
  try {
    await tx.query('BEGIN')
    await lease.fence(tx)
    await body(tx)
    await tx.query('COMMIT')
  } catch (error) {
    await tx.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    tx.release()
  }
}

const insertFlow = (id: string) => (tx: pg.PoolClient) =>
  tx.query(`INSERT INTO "${schema.name}".flows (id, status) VALUES ($1, 'running')`, [id]).then(() => undefined)

async function owners(): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ flow_id: string; token: string }>(`SELECT flow_id, token FROM "${schema.name}".flow_owners`)
  return new Map(rows.map((row) => [row.flow_id, row.token]))
}

async function count(table: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema.name}".${table}`)
  return rows[0]!.n
}

const claimTarget = (lease: WorkerLease, claimBatch = 500) => ({
  pool,
  schema: schema.name,
  token: lease.token,
  fence: lease.fence,
  claimBatch,
  flowsTable: true,
})

describe('worker leases', () => {
  it('gives each registration a strictly higher token and a lease in the future', async () => {
    const tokens: bigint[] = []
    for (let i = 0; i < 5; i++) tokens.push(BigInt((await register()).token))
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]! > tokens[i - 1]!).toBe(true)
    const { rows } = await pool.query<{ ahead: number }>(`SELECT extract(epoch FROM lease_until - clock_timestamp()) AS ahead FROM "${schema.name}".workers`)
    expect(rows).toHaveLength(5)
    for (const row of rows) expect(Number(row.ahead)).toBeGreaterThan(9)
  })

  it('renews while the row is there and says when it was taken over', async () => {
    const lease = await register(400)
    await sleep(300)
    expect(await lease.renew()).toBe(true)
    await sleep(300) // 600 ms after registering, 300 after renewing: still alive
    expect(await expireWorkers(pool, schema.name)).toEqual([])
    await sleep(200)
    expect(await expireWorkers(pool, schema.name)).toEqual([lease.token])
    expect(await lease.renew()).toBe(false)
  })

  it('keepAlive renews in the background and reports a takeover once', async () => {
    const lease = await register(300)
    const lost: Error[] = []
    lease.keepAlive((error) => lost.push(error))
    await sleep(700) // more than two leases: kept alive by renewals
    expect(await expireWorkers(pool, schema.name)).toEqual([])
    await pool.query(`DELETE FROM "${schema.name}".workers WHERE token = $1`, [lease.token])
    await sleep(300)
    expect(lost.map((e) => (e as { code?: string }).code)).toEqual(['WORKER_LEASE_LOST'])
    lease.stop()
  })

  it('makes a flow belong to the worker whose commit inserted it, and forgets it when it finishes', async () => {
    const a = await register()
    const b = await register()
    await commitAs(a, insertFlow('f1'))
    await commitAs(b, insertFlow('f2'))
    expect(await owners()).toEqual(
      new Map([
        ['f1', a.token],
        ['f2', b.token],
      ]),
    )
    await commitAs(a, (tx) => tx.query(`UPDATE "${schema.name}".flows SET status = 'done' WHERE id = 'f1'`).then(() => undefined))
    await commitAs(b, (tx) => tx.query(`DELETE FROM "${schema.name}".flows WHERE id = 'f2'`).then(() => undefined))
    expect(await count('flow_owners')).toBe(0)
  })

  it('refuses the commit of a worker that was taken over, and writes nothing of it', async () => {
    const a = await register(300)
    await commitAs(a, insertFlow('f1'))
    const b = await register()
    await sleep(400)
    const adopted: string[] = []
    expect(await takeOver(claimTarget(b), async (ids) => void adopted.push(...ids))).toEqual({ expired: 1, claimed: 1 })
    expect(adopted).toEqual(['f1'])
    expect(await owners()).toEqual(new Map([['f1', b.token]]))
    const refused = commitAs(a, insertFlow('f-late'))
    await expect(refused).rejects.toBeInstanceOf(WorkerFencedError)
    await expect(refused).rejects.toThrow(/lost its lease.*nothing of it was written/)
    expect(await count('flows')).toBe(1)
    expect(await a.renew()).toBe(false)
  })

  it('refuses a commit once the lease ran out, even before anyone took over', async () => {
    const a = await register(300)
    await sleep(400)
    await expect(commitAs(a, insertFlow('f1'))).rejects.toBeInstanceOf(WorkerFencedError)
    expect(await count('flows')).toBe(0)
    // Nobody took over: renewing brings the worker back.
    expect(await a.renew()).toBe(true)
    await commitAs(a, insertFlow('f1'))
    expect(await owners()).toEqual(new Map([['f1', a.token]]))
  })

  it('lets a commit in flight finish before its worker is taken over', async () => {
    const a = await register(300)
    const committed = commitAs(a, async (tx) => {
      await tx.query(`INSERT INTO "${schema.name}".flows (id, status) VALUES ('f1', 'running')`)
      await tx.query('SELECT pg_sleep(0.5)') // busy (not idle) past the lease
    })
    await sleep(400)
    expect(await expireWorkers(pool, schema.name)).toEqual([]) // its row is locked by the commit: skipped
    await committed
    expect(await expireWorkers(pool, schema.name)).toEqual([a.token])
    const b = await register()
    expect(await claimOrphans(claimTarget(b))).toEqual(['f1'])
  })

  it('ends a transaction left idle by a stopped worker, releasing its row', async () => {
    const a = await register(600)
    const tx = await pool.connect()
    tx.on('error', () => undefined)
    await tx.query('BEGIN')
    await a.fence(tx)
    await sleep(700) // idle in transaction past half the lease (as a process under SIGSTOP would be)
    await expect(tx.query(`INSERT INTO "${schema.name}".flows (id, status) VALUES ('f1', 'running')`)).rejects.toThrow()
    tx.release(true)
    expect(await expireWorkers(pool, schema.name)).toEqual([a.token])
    expect(await count('flows')).toBe(0)
  })

  it("shares one dead worker's flows between two survivors claiming at once, each flow once", async () => {
    const dead = await register(300)
    await commitAs(dead, async (tx) => {
      await tx.query(`INSERT INTO "${schema.name}".flows (id, status) SELECT 'f' || i, 'running' FROM generate_series(1, 1000) AS i`)
    })
    expect(await count('flow_owners')).toBe(1000)
    const b = await register()
    const c = await register()
    await sleep(400)
    expect(await expireWorkers(pool, schema.name)).toEqual([dead.token])
    const claimedBy = new Map<string, string[]>([
      [b.token, []],
      [c.token, []],
    ])
    const claimAll = async (lease: WorkerLease) => {
      for (;;) {
        const ids = await claimOrphans(claimTarget(lease, 50))
        if (ids.length === 0) return
        claimedBy.get(lease.token)!.push(...ids)
      }
    }
    await Promise.all([claimAll(b), claimAll(c)])
    const all = [...claimedBy.values()].flat()
    expect(all).toHaveLength(1000)
    expect(new Set(all).size).toBe(1000)
    expect(claimedBy.get(b.token)!.length).toBeGreaterThan(0)
    expect(claimedBy.get(c.token)!.length).toBeGreaterThan(0)
    const after = await owners()
    for (const [token, ids] of claimedBy) for (const id of ids) expect(after.get(id)).toBe(token)
  })

  it('claims running flows that have no owner row (a store an embedded node used before)', async () => {
    await pool.query(`INSERT INTO "${schema.name}".flows (id, status) VALUES ('old-1', 'running'), ('old-2', 'running'), ('kept', 'done')`)
    const a = await register()
    expect((await claimOrphans(claimTarget(a))).sort()).toEqual(['old-1', 'old-2'])
    expect(await claimOrphans(claimTarget(a))).toEqual([])
  })

  it('claims nothing for a claimer that lost its own lease', async () => {
    const dead = await register(300)
    await commitAs(dead, insertFlow('f1'))
    const late = await register(300)
    await sleep(400)
    await expireWorkers(pool, schema.name)
    await expect(claimOrphans(claimTarget(late))).rejects.toBeInstanceOf(WorkerFencedError)
    expect(await count('flow_owners')).toBe(1)
  })

  it('releases on an orderly stop, so the flows are claimable at once', async () => {
    const a = await register()
    await commitAs(a, insertFlow('f1'))
    await a.release()
    const b = await register()
    expect(await claimOrphans(claimTarget(b))).toEqual(['f1'])
  })
})
