/**
 * `npm run demo:cluster`: the two-party trade with the seller as three worker processes of one node on
 * PostgreSQL and both nodes over NATS JetStream (docs/scale-out.md). The seller's first worker starts the
 * trade; while the buyer reviews the offer, the seller worker that owns the trade is killed with SIGKILL;
 * after its lease another worker takes the trade over, resumes it by replay, and it completes exactly once.
 * Needs PostgreSQL (COLLOQUY_PG, default postgres://postgres@127.0.0.1:5432/test) and NATS (NATS_URL,
 * default nats://127.0.0.1:4222), as CI starts them.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { connect } from 'nats'
import pg from 'pg'
import type { SellArgs } from '../examples/trade-node.js'
import type { NodeEvent } from '../runtime/process/node-events.js'
import { inFlight, ProcessCluster } from './lib/process-cluster.js'
import { WorkerGroup, type WorkerProcess } from './lib/worker-group.js'

const started = performance.now()
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(2)}s`.padStart(7)
const say = (line: string) => process.stdout.write(`${elapsed()}  ${line}\n`)

const pgUrl = process.env.COLLOQUY_PG ?? 'postgres://postgres@127.0.0.1:5432/test'
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'
const tradeId = 'trade-1'
const sellArgs: SellArgs = {
  buyer: 'Buyer',
  offer: {
    price: { quantity: 950, currency: 'USD' },
    asset: { ref: { txId: 'issuance-7', index: 0 }, description: 'a 10-year government bond', owner: 'Seller' },
  },
}
const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-demo-cluster-'))
const schema = `demo_${randomBytes(4).toString('hex')}`
const stream = `DEMO_${randomBytes(4).toString('hex')}`

async function main(): Promise<boolean> {
  const network = { transport: 'nats', url: natsUrl, stream, subjectPrefix: `demo.${randomBytes(4).toString('hex')}`, ackWaitMs: 3_000 }
  const store = { postgres: pgUrl, schema, workers: { leaseMs: 2_000 } }
  say(`Seller: three worker processes of one node on PostgreSQL (schema ${schema}); Buyer: one process on SQLite; both over NATS (${natsUrl})`)
  const cluster = await ProcessCluster.create(dir, [
    { name: 'Seller', app: 'examples/trade-node.ts', start: [{ flow: 'sell-asset', id: tradeId, args: sellArgs }], settings: { network, store } },
    { name: 'Buyer', app: 'examples/trade-node.ts', settings: { network } },
  ])
  // The other two workers share the first one's node config without its start list (one worker starts the trade).
  const config = JSON.parse(readFileSync(cluster.node('Seller').config, 'utf8')) as Record<string, unknown>
  delete config.start
  const sharedConfig = path.join(dir, 'Seller.workers.node.json')
  writeFileSync(sharedConfig, `${JSON.stringify(config, null, 2)}\n`)
  const workers = new WorkerGroup(sharedConfig)
  const ends: { node: string; event: NodeEvent }[] = []
  const report = (who: string, event: NodeEvent) => {
    if (event.event === 'flow-end') {
      ends.push({ node: event.node, event })
      say(`[${who}] flow ${event.flow} ${event.ok ? 'finished' : `failed: ${event.error}`}`)
    } else if (event.event === 'action') say(`[${who}] ${event.protocol} as ${event.role}: ${event.action} ${event.label ?? ''}`)
    else if (event.event === 'log' && /took over|lost its lease/.test(event.message)) say(`[${who}] ${event.message}`)
  }
  cluster.onEvent((node, event) => report(node.name === 'Seller' ? `Seller worker 1 (pid ${node.process?.pid})` : node.name, event))
  workers.onEvent((worker, event) => report(`Seller worker ${worker.index + 2} (pid ${worker.child.pid})`, event))

  const db = new pg.Client({ connectionString: pgUrl })
  await db.connect()
  try {
    await cluster.start('Buyer')
    const reviewing = cluster.waitFor((node, e) => node.name === 'Buyer' && e.event === 'action' && e.action === 'receive' && e.label === 'tradeInfo')
    await workers.start()
    await workers.start()
    await cluster.start('Seller')
    await reviewing
    const { rows } = await db.query<{ pid: number }>(
      `SELECT w.pid FROM "${schema}".flow_owners o JOIN "${schema}".workers w ON w.token = o.token WHERE o.flow_id = $1`,
      [tradeId],
    )
    const ownerPid = rows[0]?.pid
    say(`[Buyer] is reviewing the offer — killing the seller worker that owns the trade with SIGKILL (pid ${ownerPid})`)
    const victim: WorkerProcess | 'first' | undefined =
      cluster.node('Seller').process?.pid === ownerPid ? 'first' : workers.processes.find((w) => w.child.pid === ownerPid)
    if (victim === 'first') await cluster.kill('Seller')
    else if (victim) await workers.kill(victim)
    say('the other seller workers take the trade over once its lease (2 s) ran out, and resume it by replay')
    const deadline = Date.now() + 30_000
    while (ends.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    await new Promise((resolve) => setTimeout(resolve, 1_000)) // a duplicate end would show now
    for (;;) {
      const left = await db.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM "${schema}".flows WHERE status = 'running') + (SELECT count(*) FROM "${schema}".journal) + (SELECT count(*) FROM "${schema}".sessions) + (SELECT count(*) FROM "${schema}".outbox) + (SELECT count(*) FROM "${schema}".flow_owners) + (SELECT count(*) FROM "${schema}".forwarded) AS n`,
      )
      if (Number(left.rows[0]!.n) === 0 && inFlight(cluster.tableCounts('Buyer')) === 0) break
      if (Date.now() > deadline + 10_000) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const seller = ends.filter((e) => e.node === 'Seller')
    const buyer = ends.filter((e) => e.node === 'Buyer')
    const sellerResult = seller[0]?.event.event === 'flow-end' ? (seller[0].event.result as { id?: string } | undefined) : undefined
    const buyerResult = buyer[0]?.event.event === 'flow-end' ? (buyer[0].event.result as { id?: string } | undefined) : undefined
    const left = await db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM "${schema}".flows WHERE status = 'running') + (SELECT count(*) FROM "${schema}".journal) + (SELECT count(*) FROM "${schema}".sessions) + (SELECT count(*) FROM "${schema}".outbox) + (SELECT count(*) FROM "${schema}".flow_owners) + (SELECT count(*) FROM "${schema}".forwarded) AS n`,
    )
    const checks: [string, boolean][] = [
      [
        'the seller’s trade finished once, successfully, on a surviving worker',
        seller.length === 1 && seller[0]!.event.event === 'flow-end' && seller[0]!.event.ok,
      ],
      ['the buyer’s responder finished once, successfully', buyer.length === 1 && buyer[0]!.event.event === 'flow-end' && buyer[0]!.event.ok],
      ['both sides hold the same signed transaction', !!sellerResult?.id && sellerResult.id === buyerResult?.id],
      ['the worker that owned the trade was killed mid-trade', ownerPid !== undefined && victim !== undefined],
      [
        'no running flow, journal, session, outbox, owner or forwarded rows remain',
        Number(left.rows[0]!.n) === 0 && inFlight(cluster.tableCounts('Buyer')) === 0,
      ],
    ]
    await Promise.all([workers.stopAll(), cluster.stopAll()])
    process.stdout.write('\nSummary\n')
    process.stdout.write(`  transaction ${sellerResult?.id ?? '(none)'} for ${sellArgs.offer.price.quantity} ${sellArgs.offer.price.currency}\n`)
    for (const [what, ok] of checks) process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${what}\n`)
    process.stdout.write(`  took ${elapsed().trim()}\n`)
    return checks.every(([, ok]) => ok)
  } finally {
    await workers.killAll()
    await cluster.killAll()
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined)
    await db.end()
    const nats = await connect({ servers: natsUrl })
    await (await nats.jetstreamManager()).streams.delete(stream).catch(() => false)
    await nats.close()
  }
}

main()
  .then((ok) => {
    rmSync(dir, { recursive: true, force: true })
    process.exitCode = ok ? 0 : 1
  })
  .catch((error: unknown) => {
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`)
    process.exitCode = 1
  })
