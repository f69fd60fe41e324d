/**
 * Runtime benchmark: in-process nodes on SQLite files (synchronous=FULL) joined by the in-memory network.
 * The baseline, measured in the same run, is one raw better-sqlite3 insert transaction; every figure is
 * also shown as a ratio to it. Writes bench/results/runtime.json and prints a table.
 *
 *   npm run bench:runtime
 */
import Database from 'better-sqlite3'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createNode } from '../runtime/create-node.js'
import { type Node, flow } from '../runtime/engine/index.js'
import { InMemoryNetwork } from '../runtime/network/index.js'
import type { ResponderRegistration } from '../runtime/protocol/session/index.js'
import { echoResponder, pingerFlow, pingPongThroughput, pongResponder, rawVersions } from './support/raw-protocols.js'
import { machineInfo } from './support/machine.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const work = mkdtempSync(path.join(tmpdir(), 'colloquy-runtime-bench-'))
const silent = { info() {}, warn() {}, error() {} }
const file = (name: string) => path.join(work, `${name}.db`)
const log = (message: string) => console.log(`[runtime] ${message}`)
const now = () => Number(process.hrtime.bigint()) / 1000 // microseconds

function p50(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

interface Metric {
  value: number
  unit: string
}
const metrics: Record<string, Metric> = {}
const put = (name: string, value: number, unit: string) => (metrics[name] = { value: Math.round(value * 10) / 10, unit })

// ---- baseline: one raw insert transaction with synchronous=FULL ----
function commitFloor(): number {
  const db = new Database(file('floor'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)')
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
  const tx = db.transaction(() => insert.run(Buffer.alloc(64)))
  const samples: number[] = []
  for (let i = 0; i < 1500; i++) {
    const t0 = now()
    tx()
    samples.push(now() - t0)
  }
  db.close()
  return p50(samples.slice(200))
}

async function pair(tag: string, options: { evict?: number } = {}): Promise<{ alice: Node; bob: Node; net: InMemoryNetwork }> {
  const net = new InMemoryNetwork()
  // One peer's 10,000 sessions at once (the recovery figure) sit at the default per-peer quota, which is meant
  // for members a node does not trust; this pair trusts each other.
  const quotas = { maxResponderSessionsPerPeer: 100_000 }
  const common = { network: net, logger: silent, evictIdleAfterMs: options.evict ?? Number.POSITIVE_INFINITY, quotas }
  const bob = await createNode({ ...common, name: 'Bob', store: file(`${tag}-bob`), responders: [echoResponder, sleepyEcho, pongResponder] })
  const alice = await createNode({ ...common, name: 'Alice', store: file(`${tag}-alice`) })
  return { alice, bob, net }
}

// ---- suspend: a journaled step, one flow alone ----
async function suspend(): Promise<number> {
  const net = new InMemoryNetwork()
  const node = await createNode({ name: 'Solo', store: file('suspend'), network: net, logger: silent })
  const samples: number[] = []
  const stepper = flow('stepper', async (ctx, n: number) => {
    for (let i = 0; i < n; i++) {
      const t0 = now()
      await ctx.step('s', () => i)
      samples.push(now() - t0)
    }
  })
  await node.startFlow(stepper, 1500).result
  await node.stop()
  return p50(samples.slice(200))
}

// ---- roundtrip: send, the responder replies, the initiator has the reply; both durable ----
async function roundtrip(): Promise<number> {
  const { alice, bob } = await pair('roundtrip')
  const samples: number[] = []
  const pinger = pingerFlow('Bob', samples, () => alice.committed())
  await alice.startFlow(pinger, 1500).result
  await alice.stop()
  await bob.stop()
  return p50(samples.slice(200))
}

// ---- throughput: complete ping-pong flows, 256 in flight ----
async function throughput(total: number, inFlight: number): Promise<number> {
  const { alice, bob } = await pair('pingpong')
  const perSecond = await pingPongThroughput(alice, 'Bob', total, inFlight)
  await alice.stop()
  await bob.stop()
  return perSecond
}

// ---- parked flows: resident memory per suspended flow, idle flows evicted ----
async function parked(count: number): Promise<{ bytes: number; rssBytes: number }> {
  const net = new InMemoryNetwork()
  const node = await createNode({ name: 'Parker', store: file('parked'), network: net, logger: silent, evictIdleAfterMs: 0, durability: 'full' })
  const sleeper = flow('sleeper', async (ctx) => ctx.sleep(3600_000))
  gc()
  await new Promise((r) => setTimeout(r, 50))
  gc()
  const before = process.memoryUsage()
  const chunk = 5000
  for (let i = 0; i < count; i += chunk) {
    const batch = Array.from({ length: Math.min(chunk, count - i) }, () => node.startFlow(sleeper, undefined).started)
    await Promise.all(batch)
    while (node.stats.loaded > 0) await new Promise((r) => setTimeout(r, 1))
  }
  gc()
  await new Promise((r) => setTimeout(r, 100))
  gc()
  const after = process.memoryUsage()
  if (node.stats.loaded !== 0) throw new Error(`${node.stats.loaded} flows still in memory`)
  const bytes = (after.heapUsed + after.external + after.arrayBuffers - (before.heapUsed + before.external + before.arrayBuffers)) / count
  const rssBytes = (after.rss - before.rss) / count
  node.crash()
  return { bytes, rssBytes }
}

// ---- recovery: reopen a node with 10k flows waiting for a reply ----
const sleepyEcho: ResponderRegistration = {
  protocol: 'SleepyEcho',
  versions: rawVersions,
  run: async (channel, ctx) => {
    const frame = await channel.receive()
    await (channel.context ?? ctx).sleep(3600_000)
    await channel.send(frame)
    return channel.close?.()
  },
}
const waiter = flow('waiter', async (ctx, i: number) => {
  const id = await ctx.step('prepare', () => `order-${i}`)
  const channel = await ctx.openSession({ protocol: 'SleepyEcho', counterparty: 'Bob', versions: rawVersions })
  await channel.send({ kind: 'data', label: 'order', payload: id })
  return channel.receive()
})

async function recover(count: number): Promise<number> {
  const { alice, bob, net } = await pair('recover')
  const chunk = 2000
  for (let i = 0; i < count; i += chunk) {
    await Promise.all(Array.from({ length: Math.min(chunk, count - i) }, (_, j) => alice.startFlow(waiter, i + j).started))
  }
  // wait until every message was acknowledged (nothing left to re-send)
  while (alice.stats.unacknowledged > 0 || bob.stats.unacknowledged > 0) await new Promise((r) => setTimeout(r, 10))
  alice.crash()
  const t0 = now()
  const reopened = await createNode({
    name: 'Alice',
    store: file('recover-alice'),
    network: net,
    logger: silent,
    flows: [waiter],
    evictIdleAfterMs: Number.POSITIVE_INFINITY,
  })
  const ms = (now() - t0) / 1000
  if (reopened.stats.loaded !== count) throw new Error(`expected ${count} resumed flows, found ${reopened.stats.loaded}`)
  reopened.crash()
  bob.crash()
  return ms
}

async function main(): Promise<void> {
  const floor = commitFloor()
  put('sqlite_commit_floor_us', floor, 'us')
  log(`commit floor ${floor.toFixed(1)} us`)
  put('suspend_p50_us', await suspend(), 'us')
  log(`suspend ${metrics.suspend_p50_us!.value} us`)
  put('roundtrip_p50_us', await roundtrip(), 'us')
  log(`roundtrip ${metrics.roundtrip_p50_us!.value} us`)
  put('pingpong_flows_per_s_256', await throughput(6000, 256), 'flows/s')
  log(`ping-pong ${metrics.pingpong_flows_per_s_256!.value} flows/s`)
  const memory = await parked(100_000)
  put('parked_flow_bytes_100k', memory.bytes, 'bytes')
  put('parked_flow_rss_bytes_100k', memory.rssBytes, 'bytes')
  log(`parked ${memory.bytes.toFixed(0)} B/flow (heap+external), ${memory.rssBytes.toFixed(0)} B/flow (rss)`)
  put('recover_10k_ms', await recover(10_000), 'ms')
  log(`recover ${metrics.recover_10k_ms!.value} ms`)

  const targets: Record<string, [string, (v: number) => boolean]> = {
    sqlite_commit_floor_us: ['baseline', () => true],
    suspend_p50_us: [`<= ${(2 * floor).toFixed(0)} (2x floor)`, (v) => v <= 2 * floor],
    roundtrip_p50_us: ['<= 1000', (v) => v <= 1000],
    pingpong_flows_per_s_256: ['>= 5000', (v) => v >= 5000],
    parked_flow_bytes_100k: ['<= 2048', (v) => v <= 2048],
    parked_flow_rss_bytes_100k: ['(info)', () => true],
    recover_10k_ms: ['<= 5000', (v) => v <= 5000],
  }
  const rows = Object.entries(metrics).map(([name, m]) => {
    const [target, ok] = targets[name]!
    const ratio = m.unit === 'us' ? `${(m.value / floor).toFixed(2)}x floor` : ''
    return [name, `${m.value} ${m.unit}`, ratio, target, target === 'baseline' || target === '(info)' ? '' : ok(m.value) ? 'met' : 'MISSED']
  })
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['metric', 'value', 'vs floor', 'target', ''][i]!.length))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')
  console.log(line(['metric', 'value', 'vs floor', 'target', '']))
  for (const row of rows) console.log(line(row))

  const result = {
    suite: 'runtime',
    machine: machineInfo(),
    metrics,
  }
  const out = path.join(import.meta.dirname, 'results')
  mkdirSync(out, { recursive: true })
  // Figures this run does not measure (the cross-process ones from bench:xproc) are kept.
  const previous = path.join(out, 'runtime.json')
  const kept = existsSync(previous) ? ((JSON.parse(readFileSync(previous, 'utf8')) as { metrics?: Record<string, Metric> }).metrics ?? {}) : {}
  result.metrics = { ...kept, ...metrics }
  writeFileSync(previous, `${JSON.stringify(result, null, 2)}\n`)
  rmSync(work, { recursive: true, force: true })
}

main().catch((error) => {
  console.error(error)
  rmSync(work, { recursive: true, force: true })
  process.exit(1)
})
