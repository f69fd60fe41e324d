/**
 * `npm run demo`: Corda's two-party trade between two node processes on loopback. The seller offers a
 * bond; while the buyer's back office reviews it, the buyer's process is killed with SIGKILL and started
 * again; the buyer resumes from its database and the trade completes exactly once. Every committed
 * protocol step is printed as it happens. Then a second trade goes through the seller's RPC endpoint: the
 * typed client starts it with a client id and shows its progress tree live, the buyer is killed again, the
 * client is closed, and a new client reattaches by the client id and prints the result. A summary with the
 * checks that prove it all ends the run.
 *
 * `npm run demo -- --explorer`: the seller's node also serves the Explorer; after the summary both nodes
 * stay up with it, the address and a login are printed, and Ctrl-C stops them cleanly. Both nodes then run
 * with keepSentPayloads, so the Explorer shows what each flow sent, also once the peer acknowledged it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { NodeEvent } from '../runtime/process/node-events.js'
import type { SellArgs } from '../examples/trade-node.js'
import { hashPassword } from '../runtime/rpc/password-hash.js'
import { ensureExplorerBuilt } from './lib/explorer-page.js'
import { freePort, inFlight, ProcessCluster } from './lib/process-cluster.js'
import { tradeOverRpc } from './lib/rpc-trade.js'

const started = performance.now()
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(2)}s`.padStart(7)
const say = (line: string) => process.stdout.write(`${elapsed()}  ${line}\n`)

const tradeId = 'trade-1'
const sellArgs: SellArgs = {
  buyer: 'Buyer',
  offer: {
    price: { quantity: 950, currency: 'USD' },
    asset: { ref: { txId: 'issuance-7', index: 0 }, description: 'a 10-year government bond', owner: 'Seller' },
  },
}

const deskPassword = 'demo-desk'
const withExplorer = process.argv.includes('--explorer')
/** The Explorer's login in `--explorer` mode: an operator allowed everything. */
const operator = { name: 'operator', password: 'demo-operator' }
const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-demo-'))
const keep = process.env.COLLOQUY_DEMO_KEEP === '1'

async function main(): Promise<boolean> {
  say(`Two nodes, Seller and Buyer, each a process with its own SQLite file in ${dir}`)
  const rpcPort = await freePort()
  const desk = { name: 'desk', passwordHash: await hashPassword(deskPassword), permissions: ['StartFlow.sell-asset', 'InvokeRpc.reattachFlow'] }
  const operators = withExplorer ? [{ name: operator.name, passwordHash: await hashPassword(operator.password), permissions: ['ALL'] }] : []
  const rpc = { listen: `127.0.0.1:${rpcPort}`, users: [desk, ...operators] }
  if (withExplorer) await ensureExplorerBuilt()
  const explorer = withExplorer ? { explorer: { listen: { host: '127.0.0.1', port: await freePort() } } } : {}
  // The Explorer then shows what each node sent, also once the peer acknowledged it.
  const history = withExplorer ? { keepSentPayloads: true } : {}
  const cluster = await ProcessCluster.create(dir, [
    {
      name: 'Seller',
      app: 'examples/trade-node.ts',
      start: [{ flow: 'sell-asset', id: tradeId, args: sellArgs }],
      settings: { redeliverAfterMs: 250, rpc, ...explorer, ...history },
    },
    { name: 'Buyer', app: 'examples/trade-node.ts', settings: { redeliverAfterMs: 250, ...history } },
  ])
  const ends: NodeEvent[] = []
  cluster.onEvent((node, event) => {
    const pid = node.process?.pid
    switch (event.event) {
      case 'ready':
        say(
          `[${node.name}] up (pid ${pid}), listening on ${event.address}; resumed ${event.resumed} unfinished ${event.resumed === 1 ? 'flow' : 'flows'} from its database`,
        )
        break
      case 'action': {
        const step =
          event.action === 'end'
            ? 'reached the end of the protocol'
            : `${event.action === 'send' ? 'sent' : 'received'} ${event.label} ${event.action === 'send' ? 'to' : 'from'} ${event.counterparty}`
        say(`[${node.name}] ${event.protocol} v${event.version} as ${event.role}: ${step}`)
        break
      }
      case 'flow-started':
        say(`[${node.name}] started flow ${event.flow} with id ${event.flowId}`)
        break
      case 'flow-end':
        ends.push(event)
        say(`[${node.name}] flow ${event.flow} ${event.ok ? 'finished' : `failed: ${event.error}`}`)
        break
      case 'log':
        if (event.level !== 'info') say(`[${node.name}] ${event.level}: ${event.message}`)
        break
      case 'stopped':
        say(`[${node.name}] stopped cleanly`)
        break
    }
  })

  await cluster.start('Buyer')
  const reviewing = cluster.waitFor((node, e) => node.name === 'Buyer' && e.event === 'action' && e.action === 'receive' && e.label === 'tradeInfo')
  await cluster.start('Seller')
  await reviewing
  say(`[Buyer] is reviewing the offer (a durable timer) — killing its process with SIGKILL (pid ${cluster.node('Buyer').process?.pid})`)
  await cluster.kill('Buyer')
  say('[Buyer] is down; the seller keeps its unacknowledged messages in its outbox and retries')
  await new Promise((resolve) => setTimeout(resolve, 1000))
  say('[Buyer] starting again from its database')
  const finished = Promise.all([
    cluster.waitFor((node, e) => node.name === 'Seller' && e.event === 'flow-end' && e.flowId === tradeId, 20_000, true),
    cluster.waitFor((node, e) => node.name === 'Buyer' && e.event === 'flow-end', 20_000, true),
  ])
  await cluster.start('Buyer')
  const [sellerEnd, buyerEnd] = await finished
  await cluster.quiesce(10_000) // the last acknowledgements clear the outboxes

  const sellerResult = sellerEnd.event === 'flow-end' ? (sellerEnd.result as { id?: string } | undefined) : undefined
  const buyerResult = buyerEnd.event === 'flow-end' ? (buyerEnd.result as { id?: string } | undefined) : undefined
  const seller = cluster.tableCounts('Seller')
  const buyer = cluster.tableCounts('Buyer')
  const checks: [string, boolean][] = [
    [
      'the seller’s trade flow finished once, successfully',
      ends.filter((e) => e.event === 'flow-end' && e.node === 'Seller').length === 1 && sellerEnd.event === 'flow-end' && sellerEnd.ok,
    ],
    [
      'the buyer’s responder finished once, successfully',
      ends.filter((e) => e.event === 'flow-end' && e.node === 'Buyer').length === 1 && buyerEnd.event === 'flow-end' && buyerEnd.ok,
    ],
    ['both sides hold the same signed transaction', !!sellerResult?.id && sellerResult.id === buyerResult?.id],
    [
      'the buyer was killed mid-trade and resumed it',
      cluster.node('Buyer').starts === 2 && cluster.node('Buyer').events.some((e) => e.event === 'ready' && e.resumed === 1),
    ],
    ['no running flow, journal, session, inbox, outbox or timer rows remain', inFlight(seller) + inFlight(buyer) === 0],
    ['the seller kept the trade’s outcome under its id, the buyer kept nothing', seller.finished === 1 && buyer.finished === 0],
  ]
  const overRpc = await tradeOverRpc(cluster, { url: `ws://127.0.0.1:${rpcPort}`, user: 'desk', password: deskPassword }, sellArgs, say)
  await cluster.quiesce(10_000)
  if (!withExplorer) await cluster.stopAll()
  checks.push(...overRpc.checks)
  process.stdout.write('\nSummary\n')
  process.stdout.write(`  transaction ${sellerResult?.id ?? '(none)'} for ${sellArgs.offer.price.quantity} ${sellArgs.offer.price.currency}\n`)
  process.stdout.write(`  transaction ${overRpc.transactionId ?? '(none)'} through RPC, got by reattaching to client id ${overRpc.clientId}\n`)
  for (const [what, ok] of checks) process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${what}\n`)
  process.stdout.write(`  took ${elapsed().trim()}\n`)
  if (withExplorer) await keepUpWithExplorer(cluster)
  return checks.every(([, ok]) => ok)
}

/** `--explorer`: both nodes stay up with the seller's Explorer until Ctrl-C, then stop cleanly. */
async function keepUpWithExplorer(cluster: ProcessCluster): Promise<void> {
  const ready = cluster.node('Seller').events.findLast((e) => e.event === 'ready')
  const address = ready?.event === 'ready' ? ready.explorer : undefined
  process.stdout.write(`\nExplorer at ${address} — log in as ${operator.name} with password ${operator.password}. Ctrl-C stops both nodes.\n`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  process.stdout.write('\nStopping both nodes…\n')
  await cluster.stopAll()
}

main()
  .then((ok) => {
    if (!keep) rmSync(dir, { recursive: true, force: true })
    process.exitCode = ok ? 0 : 1
  })
  .catch((error: unknown) => {
    process.stderr.write(`demo failed: ${(error as Error)?.stack ?? String(error)}\nIts files are in ${dir}.\n`)
    process.exitCode = 1
  })
