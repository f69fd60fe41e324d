/**
 * What NodeOptions.keepSentPayloads costs a send: the same in-process workloads with it off (the default)
 * and on, alternated so that machine noise falls on both. Stores are SQLite files with durability 'fast'
 * (no fsync per commit), so the figures show the engine's own work rather than the disk's.
 * - pingpong_flows_per_s: complete two-party flows (open, ping, pong, end) per second, 256 in flight;
 *   the ping carries a ~1 KiB object, so keeping it doubles the bytes a send writes.
 * - pingpong_cpu_us_per_flow: the process's CPU time (user + system) per such flow, both nodes together:
 *   steadier than the rate on a machine shared with other work.
 * - roundtrip_p50_us: one durable send and its echo inside one session, median.
 *
 *   npx tsx bench/sent-payloads.bench.ts [rounds]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createNode } from '../runtime/create-node.js'
import { flow } from '../runtime/engine/index.js'
import { InMemoryNetwork } from '../runtime/network/index.js'
import { echoResponder, pingerFlow, pongResponder, rawVersions } from './support/raw-protocols.js'

const work = mkdtempSync(path.join(tmpdir(), 'colloquy-sent-bench-'))
const silent = { info() {}, warn() {}, error() {} }
const rounds = Number(process.argv[2] ?? 5)
let stores = 0

const payload = {
  trade: 'T-000123',
  items: Array.from({ length: 12 }, (_, i) => ({ isin: `US0000000${i}`, quantity: 1000 + i, price: 99.5 + i, note: 'settle T+2 via DTC' })),
}

async function pair(keepSentPayloads: boolean) {
  const network = new InMemoryNetwork()
  const common = { network, logger: silent, durability: 'fast' as const, keepSentPayloads, quotas: { maxResponderSessionsPerPeer: 100_000 } }
  const bob = await createNode({ ...common, name: 'Bob', store: path.join(work, `${stores++}.db`), responders: [echoResponder, pongResponder] })
  const alice = await createNode({ ...common, name: 'Alice', store: path.join(work, `${stores++}.db`) })
  return { alice, bob }
}

const pingPong = flow('ping-pong', async (ctx) => {
  const channel = await ctx.openSession({ protocol: 'PingPong', counterparty: 'Bob', versions: rawVersions })
  await channel.send({ kind: 'data', label: 'ping', payload })
  const reply = await channel.receive()
  await channel.close?.()
  return reply
})

async function throughput(keep: boolean, total = 4000, inFlight = 256): Promise<{ perSecond: number; cpuPerFlow: number }> {
  const { alice, bob } = await pair(keep)
  const runOne = async () => void (await alice.startFlow(pingPong, undefined).result)
  await Promise.all(Array.from({ length: inFlight }, runOne)) // warm-up
  let started = 0
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (started < total) {
        started++
        await runOne()
      }
    }),
  )
  const perSecond = total / ((performance.now() - t0) / 1000)
  const cpu = process.cpuUsage(cpu0)
  await alice.stop()
  await bob.stop()
  return { perSecond, cpuPerFlow: (cpu.user + cpu.system) / total }
}

async function roundtrip(keep: boolean, n = 3000): Promise<number> {
  const { alice, bob } = await pair(keep)
  const samples: number[] = []
  const pinger = pingerFlow('Bob', samples, () => bob.committed())
  await alice.startFlow(pinger, n).result
  await alice.stop()
  await bob.stop()
  const sorted = samples.slice(300).sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const figures = {
  off: { flows: [] as number[], cpu: [] as number[], rt: [] as number[] },
  on: { flows: [] as number[], cpu: [] as number[], rt: [] as number[] },
}
try {
  for (let r = 0; r < rounds; r++)
    for (const keep of r % 2 === 0 ? [false, true] : [true, false]) {
      const side = keep ? figures.on : figures.off
      const { perSecond, cpuPerFlow } = await throughput(keep)
      side.flows.push(perSecond)
      side.cpu.push(cpuPerFlow)
      side.rt.push(await roundtrip(keep))
    }
  for (const [name, side] of Object.entries(figures))
    console.log(
      `keepSentPayloads ${name}: pingpong_flows_per_s ${Math.round(median(side.flows))} (${side.flows.map(Math.round).join(', ')}), ` +
        `pingpong_cpu_us_per_flow ${median(side.cpu).toFixed(0)} (${side.cpu.map((v) => v.toFixed(0)).join(', ')}), ` +
        `roundtrip_p50_us ${median(side.rt).toFixed(1)} (${side.rt.map((v) => v.toFixed(1)).join(', ')})`,
    )
} finally {
  rmSync(work, { recursive: true, force: true })
}
