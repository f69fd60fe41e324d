/**
 * The demo's second trade, through the seller's RPC endpoint: the typed client starts `sell-asset` with a
 * client id and prints its progress tree as it changes; while the buyer reviews the offer its process is
 * killed and the client is closed (as if the desk's program restarted); the buyer comes back, a new client
 * reattaches by the client id and prints the result it gets.
 */
import type { SellArgs } from '../../examples/trade-node.js'
import { progressTreeLines } from '../../runtime/process/flow-cli/progress-view.js'
import { connect } from '../../runtime/rpc/client/connect.js'
import type { ConnectOptions } from '../../runtime/rpc/client/rpc-socket.js'
import type { ProcessCluster } from './process-cluster.js'

export interface RpcTradeOutcome {
  readonly clientId: string
  readonly transactionId: string | undefined
  readonly checks: [string, boolean][]
}

export async function tradeOverRpc(cluster: ProcessCluster, connection: ConnectOptions, base: SellArgs, say: (line: string) => void): Promise<RpcTradeOutcome> {
  const clientId = 'desk-trade-2'
  const args: SellArgs = { ...base, offer: { ...base.offer, asset: { ...base.offer.asset, ref: { txId: 'issuance-8', index: 0 } } } }
  say(`[desk] connecting to the seller's RPC endpoint ${connection.url} as ${connection.user}`)
  const desk = await connect(connection)
  const reviewing = cluster.waitFor((node, e) => node.name === 'Buyer' && e.event === 'action' && e.action === 'receive' && e.label === 'tradeInfo')
  const trade = await desk.startTrackedFlow('sell-asset', args, { clientId })
  say(`[desk] started sell-asset with client id ${clientId}: flow ${trade.flowId}`)
  let lastPath = ''
  trade.progress.subscribe((update) => {
    const path = `${update.done}:${update.path.join('>')}`
    if (path === lastPath) return
    lastPath = path
    say(`[desk] progress of ${clientId}${update.done ? ' (done)' : ''}:`)
    for (const line of progressTreeLines(update.tree, update.done)) say(`[desk] ${line}`)
  })
  await reviewing
  say(`[Buyer] is reviewing the second offer — killing its process with SIGKILL (pid ${cluster.node('Buyer').process?.pid})`)
  await cluster.kill('Buyer')
  desk.close()
  say('[desk] client closed (the desk program restarts); the trade goes on in the seller node')
  await cluster.start('Buyer')
  const again = await connect(connection)
  const handle = await again.reattachFlow<{ id?: string }>(clientId)
  say(`[desk] a new client reattached to client id ${clientId}: flow ${handle?.flowId ?? '(none)'}`)
  const result = handle ? await handle.result : undefined
  say(`[desk] result got by reattaching: transaction ${result?.id ?? '(none)'}`)
  again.close()
  return {
    clientId,
    transactionId: result?.id,
    checks: [
      ['the trade started over RPC was found again by its client id from a new client', handle?.flowId === trade.flowId],
      ['reattaching gave the finished trade’s signed transaction', typeof result?.id === 'string' && result.id.length > 0],
    ],
  }
}
