/**
 * Worker processes of one node, in one test process: Bob runs as two workers (createNode with
 * `store: { postgres, schema, workers }`, each with its own NATS connection on Bob's one durable consumer)
 * against Alice on SQLite. Messages reach either worker; a message for the other worker's flow is
 * forwarded to it; every flow completes once. A worker that dies has its flows taken over by the other
 * after its lease and resumed by replay. Nothing is left in the worker tables or the store.
 */
import type pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createNode, openStore } from '../../runtime/create-node.js'
import type { Node } from '../../runtime/engine/index.js'
import type { NatsNetwork } from '../../runtime/transport-nats/index.js'
import type { WorkerOwnership } from '../../runtime/workers/worker-ownership.js'
import { workerOwnershipOf } from '../../runtime/workers/worker-store.js'
import { eventually } from '../engine/support/cluster.js'
import { PairFamily, adder, expectedTotal, giver } from '../engine/support/pair-flows.js'
import { NatsCluster } from '../transport-nats/support/nats-cluster.js'
import { type TestSchema, testDatabaseUrl, testSchema } from './support/pg-schema.js'

const silent = { info() {}, warn() {}, error() {} }
let schema: TestSchema
let pool: pg.Pool
let cluster: NatsCluster
interface Worker {
  readonly node: Node
  readonly network: NatsNetwork
  readonly ownership: WorkerOwnership
}
const workers: Worker[] = []

beforeEach(async () => {
  schema = await testSchema()
  pool = schema.pool(2)
  cluster = NatsCluster.create(['Alice', 'Bob'])
})

afterEach(async () => {
  for (const { node, network } of workers.splice(0)) {
    await node.stop().catch(() => undefined)
    await network.close()
  }
  await cluster.stopAll()
  await schema.drop()
})

async function bobWorker(leaseMs: number): Promise<Worker> {
  const network = await cluster.network('Bob')
  const store = await openStore({ postgres: testDatabaseUrl, schema: schema.name, workers: { leaseMs } }, 'full', { node: 'Bob', logger: silent })
  const node = await createNode({ name: 'Bob', store, network, responders: [adder], redeliverAfterMs: 100, logger: silent })
  const worker = { node, network, ownership: workerOwnershipOf(store)! }
  workers.push(worker)
  return worker
}

async function rows(table: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema.name}".${table}`)
  return rows[0]!.n
}

describe('worker processes of one node', () => {
  it("serve one node together: every flow completes once, messages for the other worker's flows are forwarded", async () => {
    const b1 = await bobWorker(5_000)
    const b2 = await bobWorker(5_000)
    const alice = await cluster.up('Alice', { flows: [giver], protocols: [PairFamily] })
    const starts = Array.from({ length: 30 }, (_, i) => i + 1)
    const results = await Promise.all(starts.map((n) => alice.startFlow(giver, n).result))
    expect(results).toEqual(starts.map(expectedTotal))
    expect(b1.ownership.stats.forwarded + b2.ownership.stats.forwarded).toBeGreaterThan(0)
    // Received by the owner, except copies (re-sent before their acknowledgement) for flows that ended meanwhile.
    const received = b1.ownership.stats.received + b2.ownership.stats.received
    expect(received).toBeGreaterThan(0)
    expect(received).toBeLessThanOrEqual(b1.ownership.stats.forwarded + b2.ownership.stats.forwarded)
    await eventually(async () => (await rows('flows')) === 0 && (await rows('flow_owners')) === 0 && (await rows('forwarded')) === 0, 10_000)
    for (const table of ['journal', 'sessions', 'inbox']) expect(await rows(table), table).toBe(0)
  })

  it('take over the flows of a worker that died, after its lease, and finish them by replay', async () => {
    const b1 = await bobWorker(1_000)
    const b2 = await bobWorker(1_000)
    const alice = await cluster.up('Alice', { flows: [giver], protocols: [PairFamily] })
    const starts = Array.from({ length: 20 }, (_, i) => i + 1)
    const results = Promise.all(starts.map((n) => alice.startFlow(giver, n).result))
    await eventually(async () => (await rows('flow_owners')) >= 5)
    // The first worker dies as kill -9 leaves it: nothing committed, its connections gone.
    b1.node.crash()
    await b1.network.close()
    expect(await results).toEqual(starts.map(expectedTotal))
    await eventually(async () => (await rows('flows')) === 0 && (await rows('flow_owners')) === 0 && (await rows('forwarded')) === 0, 10_000)
    const { rows: left } = await pool.query(`SELECT token FROM "${schema.name}".workers`)
    expect(left.map((row) => row.token)).toEqual([b2.ownership.token])
    const { rows: marks } = await pool.query(`SELECT id FROM "${schema.name}".writers`)
    expect(marks.map((row) => row.id)).toEqual([`worker-${b2.ownership.token}`]) // the dead worker's commit mark went with it
    expect(b2.ownership.stats.adopted).toBeGreaterThan(0)
  })
})
