/**
 * NATS benchmark: two in-process nodes on SQLite files (synchronous=FULL) joined through the NATS JetStream
 * broker (NATS_URL, else nats://127.0.0.1:4222), and, in the same run, the same pair over loopback TCP.
 * Complete ping-pong flows per second with 256 in flight, and the durable round trip (send, reply, both
 * committed) one at a time. Each run uses a stream of its own and deletes it. Writes bench/results/nats.json.
 *
 *   npm run bench:nats
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { connect } from 'nats'
import { createNode } from '../runtime/create-node.js'
import type { Network } from '../runtime/network/index.js'
import { NatsNetwork } from '../runtime/transport-nats/index.js'
import { TcpNetwork, generateIdentity, parseNetworkMap, publicKeyText } from '../runtime/transport/index.js'
import { freePort } from '../scripts/lib/process-cluster.js'
import { echoResponder, pingPongThroughput, pingerFlow, pongResponder } from './support/raw-protocols.js'
import { machineInfo } from './support/machine.js'

const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'
const work = mkdtempSync(path.join(tmpdir(), 'colloquy-nats-bench-'))
const silent = { info() {}, warn() {}, error() {} }
const log = (message: string) => console.log(`[nats] ${message}`)
const streams: string[] = []

interface Metric {
  value: number
  unit: string
}
const metrics: Record<string, Metric> = {}
const put = (name: string, value: number, unit: string) => (metrics[name] = { value: Math.round(value * 10) / 10, unit })

const p50 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!

type Transport = 'nats' | 'tcp'

/** Alice and Bob over `transport`, each with its own SQLite file; `close` stops both. */
async function pair(transport: Transport, tag: string) {
  const identities = { Alice: generateIdentity('Alice'), Bob: generateIdentity('Bob') }
  const ports = { Alice: await freePort(), Bob: await freePort() }
  const map = parseNetworkMap({
    parties: (['Alice', 'Bob'] as const).map((name) => ({ name, address: `127.0.0.1:${ports[name]}`, publicKey: publicKeyText(identities[name]) })),
  })
  const networks: (NatsNetwork | TcpNetwork)[] = []
  const stream = `BENCH_${randomBytes(6).toString('hex')}`
  streams.push(stream)
  const network = async (name: 'Alice' | 'Bob'): Promise<Network> => {
    const started =
      transport === 'nats'
        ? await NatsNetwork.start({ url, stream, subjectPrefix: `bench.${tag}`, identity: identities[name], map, logger: silent })
        : await TcpNetwork.start({ identity: identities[name], map, listen: { host: '127.0.0.1', port: ports[name] }, logger: silent })
    networks.push(started)
    return started
  }
  const quotas = { maxResponderSessionsPerPeer: 100_000 }
  const common = { logger: silent, evictIdleAfterMs: Number.POSITIVE_INFINITY, quotas }
  const bob = await createNode({
    ...common,
    name: 'Bob',
    store: path.join(work, `${tag}-bob.db`),
    network: await network('Bob'),
    responders: [echoResponder, pongResponder],
  })
  const alice = await createNode({ ...common, name: 'Alice', store: path.join(work, `${tag}-alice.db`), network: await network('Alice') })
  return {
    alice,
    close: async () => {
      await alice.stop()
      await bob.stop()
      for (const n of networks) await n.close()
    },
  }
}

async function throughput(transport: Transport): Promise<number> {
  const { alice, close } = await pair(transport, `pp${transport}`)
  const perSecond = await pingPongThroughput(alice, 'Bob', 5000, 256)
  await close()
  return perSecond
}

async function roundtrip(transport: Transport): Promise<number> {
  const { alice, close } = await pair(transport, `rt${transport}`)
  const samples: number[] = []
  await alice.startFlow(
    pingerFlow('Bob', samples, () => alice.committed()),
    1000,
  ).result
  await close()
  return p50(samples.slice(100))
}

async function main(): Promise<void> {
  for (const transport of (process.env.BENCH_TRANSPORTS ?? 'tcp,nats').split(',') as Transport[]) {
    put(`roundtrip_p50_us_${transport}`, await roundtrip(transport), 'us')
    log(`round trip over ${transport}: ${metrics[`roundtrip_p50_us_${transport}`]!.value} us`)
    put(`pingpong_flows_per_s_256_${transport}`, await throughput(transport), 'flows/s')
    log(`ping-pong over ${transport}: ${metrics[`pingpong_flows_per_s_256_${transport}`]!.value} flows/s`)
  }
  const result = {
    suite: 'nats',
    machine: machineInfo(),
    metrics,
  }
  const out = path.join(import.meta.dirname, 'results')
  mkdirSync(out, { recursive: true })
  writeFileSync(path.join(out, 'nats.json'), `${JSON.stringify(result, null, 2)}\n`)
}

async function cleanUp(): Promise<void> {
  rmSync(work, { recursive: true, force: true })
  const connection = await connect({ servers: url })
  const jsm = await connection.jetstreamManager()
  for (const stream of streams) await jsm.streams.delete(stream).catch(() => false)
  await connection.close()
}

main()
  .then(cleanUp)
  .catch(async (error) => {
    console.error(error)
    await cleanUp()
    process.exit(1)
  })
