/**
 * RPC benchmark: what the RPC endpoint adds to starting a flow. One node on a SQLite file
 * (synchronous=FULL) with its RPC server on loopback, in this process; an empty flow is started and
 * awaited 2,000 times in process (`node.startFlow`), then 2,000 times through the typed client over
 * WebSocket, alternating in blocks so both see the same machine; then 64 clients, each its own
 * connection, start and await empty flows for 3 s. Writes bench/results/rpc.json.
 *
 *   npm run bench:rpc
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createNode } from '../runtime/create-node.js'
import { flow } from '../runtime/engine/index.js'
import { InMemoryNetwork } from '../runtime/network/index.js'
import { connect } from '../runtime/rpc/client/connect.js'
import type { RpcClient } from '../runtime/rpc/client/rpc-client-api.js'
import { hashPassword } from '../runtime/rpc/password-hash.js'
import { RpcServer } from '../runtime/rpc/rpc-server.js'
import { type Metric, machine, metric, printTable, writeResult } from './codegen/report.js'

const silent = { info() {}, warn() {}, error() {} }
const work = mkdtempSync(path.join(tmpdir(), 'colloquy-rpc-bench-'))
const empty = flow('empty', async () => null)
const samplesPerSide = 2000
const block = 100
const concurrentClients = 64
const concurrentMs = 3000

function p50(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function timed(start: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await start()
  return (performance.now() - t0) * 1000
}

async function main(): Promise<void> {
  const node = await createNode({ name: 'Bench', store: path.join(work, 'bench.db'), network: new InMemoryNetwork(), flows: [empty], logger: silent })
  const password = 'bench'
  const server = await RpcServer.start({
    node,
    listen: { host: '127.0.0.1', port: 0 },
    users: [{ name: 'bench', passwordHash: await hashPassword(password), permissions: ['ALL'] }],
    logger: silent,
  })
  const client = await connect({ url: server.url, user: 'bench', password })
  const inProcess: number[] = []
  const overRpc: number[] = []
  const inProcessStart = () => node.startFlow(empty, undefined).result
  const rpcStart = async () => (await client.startFlow('empty', undefined)).result
  for (let i = 0; i < 200; i++) {
    await inProcessStart()
    await rpcStart()
  }
  for (let done = 0; done < samplesPerSide; done += block) {
    for (let i = 0; i < block; i++) inProcess.push(await timed(inProcessStart))
    for (let i = 0; i < block; i++) overRpc.push(await timed(rpcStart))
  }
  const clients: RpcClient[] = await Promise.all(Array.from({ length: concurrentClients }, () => connect({ url: server.url, user: 'bench', password })))
  let starts = 0
  const until = performance.now() + concurrentMs
  const t0 = performance.now()
  await Promise.all(
    clients.map(async (each) => {
      while (performance.now() < until) {
        await (await each.startFlow('empty', undefined)).result
        starts++
      }
    }),
  )
  const seconds = (performance.now() - t0) / 1000
  for (const each of [client, ...clients]) each.close()
  await server.close()
  await node.stop()

  const rpcP50 = Math.round(p50(overRpc))
  const localP50 = Math.round(p50(inProcess))
  const metrics: Record<string, Metric> = {
    rpc_start_to_result_p50_us: metric(rpcP50, 'us', undefined, 'empty flow, typed client over WebSocket on loopback'),
    inprocess_start_to_result_p50_us: metric(localP50, 'us', undefined, 'empty flow, node.startFlow, same run'),
    rpc_overhead_p50_us: metric(rpcP50 - localP50, 'us', 1000, 'RPC p50 minus in-process p50'),
    rpc_starts_per_s: metric(
      Math.round(starts / seconds),
      'flows/s',
      undefined,
      `${concurrentClients} concurrent clients, each its own connection, start and await`,
    ),
  }
  const result = { suite: 'rpc', machine: machine(), metrics }
  printTable(result)
  writeResult(path.join(import.meta.dirname, 'results', 'rpc.json'), result)
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(() => rmSync(work, { recursive: true, force: true }))
