/**
 * The worker side of the ownership port against a real PostgreSQL: a message for a flow another worker
 * owns is written to `forwarded` and reaches that worker's engine through NOTIFY (the row goes once the
 * engine recorded it); a flow of this worker or of no one is 'here'; acknowledgements one worker received
 * reach the others; a worker takes over the flows (and their forwarded messages) of one whose lease ran
 * out; a worker whose row is gone reports its lost lease; a claim is one worker's at a time (a gone worker's
 * is taken over); a request reaches the owner's engine and its answer comes back.
 */
import type pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { OwnedNode } from '../../runtime/engine/flow-ownership.js'
import type { Envelope } from '../../runtime/network/wire.js'
import { WorkerOwnership } from '../../runtime/workers/worker-ownership.js'
import { eventually } from '../engine/support/cluster.js'
import { type TestSchema, testDatabaseUrl, testSchema } from './support/pg-schema.js'

let schema: TestSchema
let pool: pg.Pool
const started: WorkerOwnership[] = []
const silent = { info() {}, warn() {}, error() {} }

beforeEach(async () => {
  schema = await testSchema()
  await schema.createFlowsTable()
  pool = schema.pool(8)
})

afterEach(async () => {
  await Promise.all(started.splice(0).map((worker) => worker.detach(false)))
  await schema.drop()
})

/** What the engine does with what the ownership hands it, recorded. */
class RecordingNode implements OwnedNode {
  readonly adopted: string[] = []
  readonly delivered: Envelope[] = []
  readonly acknowledgements: string[] = []
  orphanResends = 0
  async resendOrphans(): Promise<void> {
    this.orphanResends++
  }
  async adopt(flowIds: readonly string[]): Promise<void> {
    this.adopted.push(...flowIds)
  }
  async deliver(envelope: Envelope): Promise<void> {
    this.delivered.push(envelope)
  }
  acknowledged(id: string): void {
    this.acknowledgements.push(id)
  }
  /** Requests asked of this worker, answered with their own bytes reversed. */
  readonly requests: { flowId: string; request: Buffer }[] = []
  async answer(flowId: string, request: Buffer): Promise<Buffer> {
    this.requests.push({ flowId, request })
    return Buffer.from(request).reverse()
  }
  /** Flows heard to have ended in another worker. */
  readonly endings: (string | undefined)[] = []
  ended(flowId?: string): void {
    this.endings.push(flowId)
  }
}

async function worker(leaseMs = 10_000, lost: (error: Error) => void = () => undefined): Promise<WorkerOwnership> {
  const created = await WorkerOwnership.register({ url: testDatabaseUrl, schema: schema.name, node: 'Seller', logger: silent, leaseMs })
  created.whenLost(lost)
  started.push(created)
  return created
}

/** Inserts a running flow in a commit fenced by `owner`, as its store would. */
async function createFlow(owner: WorkerOwnership, id: string): Promise<void> {
  const tx = await pool.connect()
  try {
    await tx.query('BEGIN')
    await owner.fence(tx)
    await tx.query(`INSERT INTO "${schema.name}".flows (id, status) VALUES ($1, 'running')`, [id])
    await tx.query('COMMIT')
  } finally {
    tx.release()
  }
}

const envelope = (session: string, seq: number): Envelope => ({
  id: `${session}/i${seq}`,
  from: 'Buyer',
  to: 'Seller',
  body: { t: 'data', session, dir: 'i', seq, frame: { kind: 'data', label: 'offer', payload: { price: 10n, at: new Date(0) } } },
})

async function forwardedCount(): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema.name}".forwarded`)
  return rows[0]!.n
}

describe('worker ownership', () => {
  it("forwards a message for another worker's flow to that worker, which records it before the row goes", async () => {
    const a = await worker()
    const b = await worker()
    const nodeA = new RecordingNode()
    const nodeB = new RecordingNode()
    a.attach(nodeA)
    b.attach(nodeB)
    await createFlow(b, 'f-b')
    await createFlow(a, 'f-a')
    expect(await a.owns('f-a')).toBe(true)
    expect(await a.owns('f-b')).toBe(false)
    expect(await a.route('f-a', envelope('s1', 1))).toBe('here')
    expect(await a.route('nobody', envelope('s2', 1))).toBe('here')
    expect(await a.route('f-b', envelope('s3', 1))).toBe('forwarded')
    await eventually(() => nodeB.delivered.length === 1)
    expect(nodeB.delivered[0]).toEqual(envelope('s3', 1)) // bigint and Date kept
    await eventually(async () => (await forwardedCount()) === 0)
    expect(nodeA.delivered).toEqual([])
  })

  it("keeps a forwarded message the owner's engine refused, and delivers it at the next renewal", async () => {
    const a = await worker()
    const b = await worker(600)
    let refuse = true
    const nodeB = new RecordingNode()
    const deliver = nodeB.deliver.bind(nodeB)
    nodeB.deliver = (env) => (refuse ? Promise.reject(new Error('parked')) : deliver(env))
    b.attach(nodeB)
    await createFlow(b, 'f-b')
    expect(await a.route('f-b', envelope('s1', 1))).toBe('forwarded')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(await forwardedCount()).toBe(1)
    refuse = false
    await eventually(() => nodeB.delivered.length === 1, 3000)
    await eventually(async () => (await forwardedCount()) === 0)
  })

  it('tells every worker of an acknowledgement one of them received', async () => {
    const a = await worker()
    const b = await worker()
    const nodeA = new RecordingNode()
    const nodeB = new RecordingNode()
    a.attach(nodeA)
    b.attach(nodeB)
    await new Promise((resolve) => setTimeout(resolve, 100)) // both listening
    const ids = Array.from({ length: 300 }, (_, i) => `${'s'.repeat(40)}-${i}/i1`) // more than one notification's payload
    for (const id of ids) a.acknowledged(id)
    await eventually(() => nodeB.acknowledgements.length === ids.length)
    expect([...nodeB.acknowledgements].sort()).toEqual([...ids].sort())
  })

  it('takes over the flows of a worker whose lease ran out, then hands it their forwarded messages', async () => {
    const dying = await worker(300)
    await createFlow(dying, 'f1')
    await createFlow(dying, 'f2')
    const a = await worker(1500)
    const b = await worker(1500)
    expect(await a.route('f1', envelope('s1', 1))).toBe('forwarded')
    await dying.detach(false) // stops renewing, as a killed process would
    const nodeA = new RecordingNode()
    const nodeB = new RecordingNode()
    a.attach(nodeA)
    b.attach(nodeB)
    await eventually(() => nodeA.adopted.length + nodeB.adopted.length === 2, 5000)
    expect([...nodeA.adopted, ...nodeB.adopted].sort()).toEqual(['f1', 'f2'])
    await eventually(() => nodeA.orphanResends + nodeB.orphanResends > 0) // the dead worker's ended flows' messages
    const f1Owner = nodeA.adopted.includes('f1') ? nodeA : nodeB
    await eventually(() => f1Owner.delivered.length === 1)
    expect(f1Owner.delivered[0]!.id).toBe('s1/i1')
    const { rows } = await pool.query(`SELECT token FROM "${schema.name}".workers`)
    expect(rows.map((row) => row.token).sort()).toEqual([a.token, b.token].sort())
  })

  it('hands its flows over at once when it stops in order', async () => {
    const leaving = await worker()
    await createFlow(leaving, 'f1')
    const a = await worker()
    await leaving.detach(true)
    const nodeA = new RecordingNode()
    a.attach(nodeA) // takes over at attach (and at each renewal): no lease to wait for
    await eventually(() => nodeA.adopted.length === 1, 3000)
    expect(nodeA.adopted).toEqual(['f1'])
  })

  it("holds a claim for one worker at a time; a gone worker's claim is taken over", async () => {
    const a = await worker()
    const b = await worker()
    const long = `client:${'x'.repeat(4000)}` // kept as its hash
    for (const key of ['init:Buyer:s1/init', long]) {
      expect(await a.claim(key)).toBe(true)
      expect(await a.claim(key)).toBe(true) // its own
      expect(await b.claim(key)).toBe(false)
      a.release(key)
      await eventually(async () => await b.claim(key)) // released in the next turn
      expect(await a.claim(key)).toBe(false)
    }
    await b.detach(true) // its row goes: what it held is free
    expect(await a.claim('init:Buyer:s1/init')).toBe(true)
    expect(await a.claim(long)).toBe(true)
  })

  it('hands a request to the owner of the flow and returns its answer; none for a flow no other worker owns', async () => {
    const owner = await worker()
    await createFlow(owner, 'f1')
    const asker = await worker()
    const ownerNode = new RecordingNode()
    owner.attach(ownerNode)
    asker.attach(new RecordingNode())
    expect(Buffer.from((await asker.ask('f1', Buffer.from('kill please'))) as Buffer).toString()).toBe('esaelp llik')
    expect(ownerNode.requests.map((r) => [r.flowId, r.request.toString()])).toEqual([['f1', 'kill please']])
    expect(await owner.ask('f1', Buffer.from('own flow'))).toBe('here')
    expect(await asker.ask('nobody', Buffer.from('no owner'))).toBe('here')
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema.name}".flow_requests`)
    expect(rows[0].n).toBe(0)
  })

  it('reports a lost lease when its row was taken', async () => {
    const lost: Error[] = []
    const a = await worker(300, (error) => lost.push(error))
    a.attach(new RecordingNode())
    await pool.query(`DELETE FROM "${schema.name}".workers WHERE token = $1`, [a.token])
    await eventually(() => lost.length === 1, 3000)
    expect(lost[0]!.name).toBe('WorkerLeaseLostError')
  })
})
