/**
 * Scale benchmark: the runtime benchmark's ping-pong (bench/support/raw-protocols.ts: one ping, one pong,
 * both sides end; 6,000 flows, 256 in flight) on SQLite files and on PostgreSQL schemas, measured in the
 * same run, both with durability 'full' (SQLite synchronous=FULL, PostgreSQL synchronous_commit on). Both
 * nodes of the pair run in this process on the in-memory network; on PostgreSQL each has a schema of its own,
 * dropped afterwards. Writes bench/results/scale.json (keeping figures other benches put there) and prints a table.
 *
 *   npm run bench:scale            (COLLOQUY_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/test)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { type StoreSpec, createNode } from '../runtime/create-node.js'
import { InMemoryNetwork } from '../runtime/network/index.js'
import { PgFlowStore } from '../runtime/store/postgres/index.js'
import { machineInfo } from './support/machine.js'
import { pingPongThroughput, pongResponder } from './support/raw-protocols.js'

const url = process.env.COLLOQUY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const work = mkdtempSync(path.join(tmpdir(), 'colloquy-scale-bench-'))
const silent = { info() {}, warn() {}, error() {} }
const log = (message: string) => console.log(`[scale] ${message}`)
const schemas: string[] = []
const total = 6000
const inFlight = 256

interface Metric {
  value: number
  unit: string
}

/** Flows per second of the ping-pong between two nodes whose stores `storeOf` names. */
async function pingPong(storeOf: (name: string) => StoreSpec): Promise<number> {
  const net = new InMemoryNetwork()
  const common = { network: net, logger: silent, durability: 'full' as const, evictIdleAfterMs: Number.POSITIVE_INFINITY }
  const bob = await createNode({ ...common, name: 'Bob', store: storeOf('bob'), responders: [pongResponder], quotas: { maxResponderSessionsPerPeer: 100_000 } })
  const alice = await createNode({ ...common, name: 'Alice', store: storeOf('alice') })
  const perSecond = await pingPongThroughput(alice, 'Bob', total, inFlight)
  await alice.stop()
  await bob.stop()
  return perSecond
}

function pgSchema(name: string): StoreSpec {
  const schema = `bench_scale_${process.pid}_${name}`
  schemas.push(schema)
  return { postgres: url, schema }
}

async function dropSchemas(): Promise<void> {
  // The nodes' stores close in the background after stop(): open and close one per schema to wait for them.
  for (const schema of schemas) {
    const store = await PgFlowStore.open({ url, schema })
    store.close()
    await store.closed
  }
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`)
  await client.end()
}

async function main(): Promise<void> {
  const metrics: Record<string, Metric> = {}
  const put = (name: string, value: number, unit: string) => (metrics[name] = { value: Math.round(value * 100) / 100, unit })
  // Warm both paths once (JIT, connections, schema creation), then measure SQLite and PostgreSQL alternately.
  await pingPong((name) => path.join(work, `warm-${name}.db`))
  await pingPong((name) => pgSchema(`warm_${name}`))
  const sqlite: number[] = []
  const postgres: number[] = []
  for (let run = 0; run < 3; run++) {
    sqlite.push(await pingPong((name) => path.join(work, `run${run}-${name}.db`)))
    postgres.push(await pingPong((name) => pgSchema(`run${run}_${name}`)))
    log(`run ${run + 1}: SQLite ${sqlite[run]!.toFixed(0)} flows/s, PostgreSQL ${postgres[run]!.toFixed(0)} flows/s`)
  }
  const best = (values: number[]) => Math.max(...values)
  put('sqlite_pingpong_flows_per_s', best(sqlite), 'flows/s')
  put('pg_pingpong_flows_per_s_1worker', best(postgres), 'flows/s')
  put('pg_to_sqlite_ratio_1worker', best(postgres) / best(sqlite), 'ratio')

  const targets: Record<string, [string, (v: number) => boolean]> = {
    sqlite_pingpong_flows_per_s: ['baseline', () => true],
    pg_pingpong_flows_per_s_1worker: ['(info)', () => true],
    pg_to_sqlite_ratio_1worker: ['>= 0.5', (v) => v >= 0.5],
  }
  for (const [name, m] of Object.entries(metrics)) {
    const [target, ok] = targets[name]!
    const verdict = target === 'baseline' || target === '(info)' ? '' : ok(m.value) ? 'met' : 'MISSED'
    console.log(`${name.padEnd(34)} ${`${m.value} ${m.unit}`.padEnd(18)} ${target.padEnd(10)} ${verdict}`)
  }
  const out = path.join(import.meta.dirname, 'results')
  mkdirSync(out, { recursive: true })
  const file = path.join(out, 'scale.json')
  // Figures this run does not measure (more workers, NATS) are kept.
  const kept = existsSync(file) ? ((JSON.parse(readFileSync(file, 'utf8')) as { metrics?: Record<string, Metric> }).metrics ?? {}) : {}
  const result = {
    suite: 'scale',
    machine: machineInfo(),
    settings: { flows: total, inFlight, durability: 'full', runs: 3, figure: 'best of the runs' },
    metrics: { ...kept, ...metrics },
  }
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
}

main()
  .then(dropSchemas)
  .catch(async (error) => {
    console.error(error)
    await dropSchemas().catch(() => {})
    process.exitCode = 1
  })
  .finally(() => rmSync(work, { recursive: true, force: true }))
