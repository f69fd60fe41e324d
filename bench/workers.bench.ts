/**
 * Worker benchmark (docs/scale-out.md): the ping-pong of bench:scale (bench/support/raw-protocols.ts) with
 * Bob as 1, 2 and 4 worker processes' nodes on one PostgreSQL schema and Alice on SQLite, both over NATS
 * JetStream (workers share Bob's durable consumer, so NATS is needed; bench:scale's figures use the
 * in-memory network and are not comparable). All nodes run in this one process, so the figures show what
 * routing between workers costs, not what more machines add. Also: the NATS round trip between two nodes
 * (one durable ping-pong at a time, p50), the fence's cost per commit, the claim rate of a takeover and a
 * forwarded message's trip to its owner. Merges its figures into bench/results/scale.json.
 *
 *   npm run bench:workers   (COLLOQUY_BENCH_PG_URL, NATS_URL)
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { connect } from 'nats'
import pg from 'pg'
import { createNode, openStore } from '../runtime/create-node.js'
import type { Node, OwnedNode } from '../runtime/engine/index.js'
import { NatsNetwork } from '../runtime/transport-nats/index.js'
import { generateIdentity, parseNetworkMap, publicKeyText } from '../runtime/transport/index.js'
import { claimOrphans, expireWorkers } from '../runtime/workers/flow-takeover.js'
import { WorkerLease } from '../runtime/workers/worker-lease.js'
import { WorkerOwnership } from '../runtime/workers/worker-ownership.js'
import { installWorkerSchema } from '../runtime/workers/worker-schema.js'
import { machineInfo } from './support/machine.js'
import { echoResponder, pingPongFlow, pingPongThroughput, pingerFlow, pongResponder } from './support/raw-protocols.js'

const url = process.env.COLLOQUY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'
const work = mkdtempSync(path.join(tmpdir(), 'colloquy-workers-bench-'))
const silent = { info() {}, warn() {}, error() {} }
const log = (message: string) => console.log(`[workers] ${message}`)
const admin = new pg.Client({ connectionString: url })
const schemas: string[] = []
const streams: string[] = []
const total = 600
const inFlight = 64
const identities = { Alice: generateIdentity('Alice'), Bob: generateIdentity('Bob') }
const map = parseNetworkMap(
  { parties: Object.entries(identities).map(([name, id], i) => ({ name, address: `127.0.0.1:${7100 + i}`, publicKey: publicKeyText(id) })) },
  'the bench network map',
)

interface Metric {
  value: number
  unit: string
  note?: string
}

const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

function natsOptions(name: 'Alice' | 'Bob', stream: string) {
  return { url: natsUrl, stream, subjectPrefix: stream.toLowerCase(), identity: identities[name], map, logger: silent, ackWaitMs: 5_000 }
}

/** Alice on SQLite and Bob as `workers` worker nodes on a fresh schema, over a fresh stream. */
async function pair(workers: number) {
  const stream = `BENCH_${randomBytes(5).toString('hex')}`
  const schema = `bench_workers_${randomBytes(5).toString('hex')}`
  streams.push(stream)
  schemas.push(schema)
  const networks: NatsNetwork[] = []
  const bobs: Node[] = []
  for (let i = 0; i < workers; i++) {
    const network = await NatsNetwork.start(natsOptions('Bob', stream))
    networks.push(network)
    const store = await openStore({ postgres: url, schema, workers: true }, 'full', { node: 'Bob', logger: silent })
    const quotas = { maxResponderSessionsPerPeer: 100_000 }
    bobs.push(
      await createNode({
        name: 'Bob',
        store,
        network,
        responders: [pongResponder, echoResponder],
        logger: silent,
        evictIdleAfterMs: Number.POSITIVE_INFINITY,
        quotas,
      }),
    )
  }
  const aliceNet = await NatsNetwork.start(natsOptions('Alice', stream))
  networks.push(aliceNet)
  const alice = await createNode({ name: 'Alice', store: path.join(work, `${stream}.db`), network: aliceNet, logger: silent })
  return {
    alice,
    async stop() {
      await alice.stop()
      for (const bob of bobs) await bob.stop()
      for (const network of networks) await network.close()
    },
  }
}

async function pingPong(workers: number): Promise<number> {
  const nodes = await pair(workers)
  try {
    return await pingPongThroughput(nodes.alice, 'Bob', total, inFlight)
  } finally {
    await nodes.stop()
  }
}

/**
 * Between Alice and a one-worker Bob over NATS, one at a time, p50 in microseconds: `message`, a ping and its
 * pong on an open session, timed until the pong's inbox row is durable on Alice (as bench:nats measures
 * it between two SQLite nodes); `flow`, a whole ping-pong flow from start to result (the session's init and
 * confirm, the ping held for the confirm, the pong).
 */
async function natsRoundTrips(): Promise<{ message: number; flow: number }> {
  const nodes = await pair(1)
  try {
    const samples: number[] = []
    await nodes.alice.startFlow(
      pingerFlow('Bob', samples, () => nodes.alice.committed()),
      220,
    ).result
    const flow = pingPongFlow('Bob')
    const flows: number[] = []
    for (let i = 0; i < 120; i++) {
      const t0 = performance.now()
      await nodes.alice.startFlow(flow, undefined).result
      flows.push((performance.now() - t0) * 1000)
    }
    return { message: p50(samples.slice(20)), flow: p50(flows.slice(20)) }
  } finally {
    await nodes.stop()
  }
}

/** The fence (one statement at the start of each commit), a claim of 20,000 orphans in batches of 500, and a forwarded message's trip. */
async function leaseFigures(put: (name: string, value: number, unit: string, note?: string) => void): Promise<void> {
  const schema = `bench_lease_${randomBytes(5).toString('hex')}`
  schemas.push(schema)
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  try {
    await pool.query(`CREATE SCHEMA "${schema}"`)
    await pool.query(`CREATE TABLE "${schema}".flows (id text PRIMARY KEY, status text NOT NULL)`)
    await installWorkerSchema(pool, schema)
    const dead = await WorkerLease.register({ pool, schema, node: 'Bob', leaseMs: 60_000 })
    const live = await WorkerLease.register({ pool, schema, node: 'Bob', leaseMs: 60_000 })
    const tx = await pool.connect()
    const fence: number[] = []
    for (let i = 0; i < 500; i++) {
      await tx.query('BEGIN')
      const t0 = performance.now()
      await live.fence(tx)
      fence.push((performance.now() - t0) * 1000)
      await tx.query('COMMIT')
    }
    put('worker_fence_p50_us', p50(fence), 'us', 'the fence statement inside a commit transaction (one round trip)')
    log(`fence p50 ${p50(fence).toFixed(0)} us`)
    await tx.query('BEGIN')
    await dead.fence(tx)
    await tx.query(`INSERT INTO "${schema}".flows (id, status) SELECT 'f' || i, 'running' FROM generate_series(1, 20000) AS i`)
    await tx.query('COMMIT')
    tx.release()
    // The worker dies: its lease is made to have run out.
    await pool.query(`UPDATE "${schema}".workers SET lease_until = clock_timestamp() - interval '1 second' WHERE token = $1`, [dead.token])
    await expireWorkers(pool, schema)
    const t0 = performance.now()
    let claimed = 0
    for (;;) {
      const batch = await claimOrphans({ pool, schema, token: live.token, fence: live.fence, claimBatch: 500, flowsTable: true })
      if (batch.length === 0) break
      claimed += batch.length
    }
    put('worker_claim_flows_per_s', claimed / ((performance.now() - t0) / 1000), 'flows/s', `${claimed} orphans claimed in batches of 500 by one survivor`)
    // A forwarded message: written, notified, read and deleted by the owner.
    const owner = await WorkerOwnership.register({ url, schema, node: 'Bob', logger: silent })
    const sender = await WorkerOwnership.register({ url, schema, node: 'Bob', logger: silent })
    await pool.query(`INSERT INTO "${schema}".flow_owners (flow_id, token) VALUES ('owned', $1)`, [owner.token])
    let arrived: () => void = () => undefined
    const node: OwnedNode = {
      adopt: async () => undefined,
      resendOrphans: async () => undefined,
      deliver: async () => arrived(),
      acknowledged: () => undefined,
      answer: async () => Buffer.alloc(0),
      ended: () => undefined,
    }
    owner.attach(node)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const trips: number[] = []
    for (let i = 0; i < 200; i++) {
      const done = new Promise<void>((resolve) => (arrived = resolve))
      const t1 = performance.now()
      await sender.route('owned', { id: `s/i${i}`, from: 'Alice', to: 'Bob', body: { t: 'end', session: 's', dir: 'i', seq: i } })
      await done
      trips.push((performance.now() - t1) * 1000)
    }
    put('worker_forward_p50_us', p50(trips), 'us', 'a message for another worker flow: forwarded, notified, read by the owner (until its engine has it)')
    await owner.detach(false)
    await sender.detach(false)
  } finally {
    await pool.end()
  }
}

async function main(): Promise<void> {
  await admin.connect()
  const metrics: Record<string, Metric> = {}
  const put = (name: string, value: number, unit: string, note?: string) =>
    (metrics[name] = { value: Math.round(value * 100) / 100, unit, ...(note ? { note } : {}) })
  const throughput = process.env.COLLOQUY_BENCH_WORKERS_SKIP_THROUGHPUT !== '1'
  if (throughput) await pingPong(1) // warm-up
  const runs: Record<number, number[]> = { 1: [], 2: [], 4: [] }
  for (let run = 0; run < (throughput ? 1 : 0); run++) {
    for (const workers of [1, 2, 4]) {
      runs[workers]!.push(await pingPong(workers))
      log(`run ${run + 1}: ${workers} worker(s) ${runs[workers]!.at(-1)!.toFixed(0)} flows/s`)
    }
  }
  const note = (n: number) =>
    `Bob as ${n} worker node(s) in one process on PostgreSQL, Alice on SQLite, over NATS; ${total} flows, ${inFlight} in flight; one run`
  if (throughput) {
    put('pg_pingpong_flows_per_s_1worker_nats', Math.max(...runs[1]!), 'flows/s', note(1))
    put('pg_pingpong_flows_per_s_2workers', Math.max(...runs[2]!), 'flows/s', note(2))
    put('pg_pingpong_flows_per_s_4workers', Math.max(...runs[4]!), 'flows/s', note(4))
  }
  const trips = await natsRoundTrips()
  put(
    'nats_roundtrip_p50_us',
    trips.message,
    'us',
    'a ping and its pong on an open session between Alice (SQLite) and Bob (one worker on PostgreSQL) over NATS, durable on both sides, one at a time',
  )
  put('nats_flow_p50_us', trips.flow, 'us', 'a whole ping-pong flow (session init, confirm, ping, pong) between the same two nodes, one at a time')
  await leaseFigures(put)
  for (const [name, m] of Object.entries(metrics)) console.log(`${name.padEnd(40)} ${m.value} ${m.unit}`)
  const out = path.join(import.meta.dirname, 'results')
  mkdirSync(out, { recursive: true })
  const file = path.join(out, 'scale.json')
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { metrics?: Record<string, Metric> }) : {}
  writeFileSync(
    file,
    `${JSON.stringify({ ...existing, suite: 'scale', machine: machineInfo(), metrics: { ...(existing.metrics ?? {}), ...metrics } }, null, 2)}\n`,
  )
}

async function cleanUp(): Promise<void> {
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined)
  await admin.end().catch(() => undefined)
  const nats = await connect({ servers: natsUrl })
  const jsm = await nats.jetstreamManager()
  for (const stream of streams) await jsm.streams.delete(stream).catch(() => false)
  await nats.close()
  rmSync(work, { recursive: true, force: true })
}

main()
  .catch((error: unknown) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(cleanUp)
