/**
 * Cross-process runtime benchmark: Alice runs in this process, Bob is a `colloquy node` process; they talk
 * over the authenticated TCP transport on loopback, both on SQLite files with synchronous=FULL. Adds
 * `roundtrip_p50_us_xproc` and `pingpong_flows_per_s_256_xproc` to bench/results/runtime.json (the other
 * figures there come from `npm run bench:runtime`).
 *
 *   npm run bench:xproc
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createNode } from '../runtime/create-node.js'
import type { Node } from '../runtime/engine/index.js'
import { readNodeConfig } from '../runtime/process/node-config.js'
import { loadOrCreateIdentity } from '../runtime/transport/identity.js'
import { loadNetworkMap } from '../runtime/transport/network-map.js'
import { TcpNetwork } from '../runtime/transport/tcp-network.js'
import { ProcessCluster } from '../scripts/lib/process-cluster.js'
import { pingerFlow, pingPongThroughput } from './support/raw-protocols.js'

const work = mkdtempSync(path.join(tmpdir(), 'colloquy-xproc-bench-'))
const silent = { info() {}, warn() {}, error() {} }
const log = (message: string) => console.log(`[xproc] ${message}`)

function p50(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function openAlice(cluster: ProcessCluster): Promise<{ alice: Node; network: TcpNetwork }> {
  const config = readNodeConfig(cluster.node('Alice').config)
  const network = await TcpNetwork.start({
    identity: loadOrCreateIdentity('Alice', config.keyFile),
    map: loadNetworkMap(config.networkMap),
    listen: config.listen,
    logger: silent,
  })
  const alice = await createNode({ name: 'Alice', store: config.store, network, logger: silent, evictIdleAfterMs: Number.POSITIVE_INFINITY })
  return { alice, network }
}

async function roundtrip(alice: Node): Promise<number> {
  const samples: number[] = []
  await alice.startFlow(
    pingerFlow('Bob', samples, () => alice.committed()),
    1500,
  ).result
  return p50(samples.slice(200))
}

async function main(): Promise<void> {
  const cluster = await ProcessCluster.create(work, [
    { name: 'Alice', app: 'bench/apps/raw-responders.ts' }, // runs in this process; its config gives the key and address
    { name: 'Bob', app: 'bench/apps/raw-responders.ts', settings: { evictIdleAfterMs: 60_000 } },
  ])
  await cluster.start('Bob')
  const { alice, network } = await openAlice(cluster)
  try {
    const rt = await roundtrip(alice)
    log(`roundtrip ${rt.toFixed(1)} us (target <= 2000)`)
    const tp = await pingPongThroughput(alice, 'Bob', 6000, 256)
    log(`ping-pong ${tp.toFixed(0)} flows/s with 256 in flight (target >= 3000)`)
    const file = path.join(import.meta.dirname, 'results', 'runtime.json')
    const result: { metrics: Record<string, unknown> } = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as { metrics: Record<string, unknown> })
      : { metrics: {} }
    result.metrics.roundtrip_p50_us_xproc = { value: Math.round(rt * 10) / 10, unit: 'us' }
    result.metrics.pingpong_flows_per_s_256_xproc = { value: Math.round(tp * 10) / 10, unit: 'flows/s' }
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
    log(`wrote ${path.relative(process.cwd(), file)}`)
  } finally {
    await alice.stop()
    await network.close()
    await cluster.stopAll()
    rmSync(work, { recursive: true, force: true })
  }
}

main().catch(async (error) => {
  console.error(error)
  rmSync(work, { recursive: true, force: true })
  process.exit(1)
})
