/**
 * The seed two-party trade from examples/ when the buyer refuses the price: the declared error reaches the
 * seller with its details. Runs on every network (seed-trade.test.ts steps the in-memory one).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { type TradeOffer, buyAsset, sellAsset } from '../../examples/two-party-trade-flows.js'
import { flow } from '../../runtime/engine/index.js'
import { Cluster } from './support/cluster.js'

let cluster: Cluster | undefined
afterEach(async () => {
  await cluster?.stopAll()
  cluster = undefined
})

const offer: TradeOffer = {
  price: { quantity: 100, currency: 'GBP' },
  asset: { ref: { txId: 'issue-1', index: 0 }, description: 'a fine painting', owner: 'Alice' },
}
const sell = flow('sell-asset', async (ctx, buyer: string) => sellAsset(ctx, buyer, offer))

describe('seed trade', () => {
  it('an unacceptable price reaches the seller as the declared error', async () => {
    cluster = new Cluster()
    const alice = await cluster.add('Alice', { flows: [sell] })
    await cluster.add('Bob', { responders: [buyAsset({ maxPrice: 50, wants: 'painting' })] })
    const error = (await alice.startFlow(sell, 'Bob').result.catch((e: unknown) => e)) as { errorType: string; details: unknown; peer: string }
    expect(error).toMatchObject({
      errorType: 'UnacceptablePrice',
      peer: 'Bob',
      details: { askingPrice: { quantity: 100, currency: 'GBP' }, maxPrice: { quantity: 50, currency: 'GBP' } },
    })
  })
})
