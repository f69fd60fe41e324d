/**
 * The node app of the two-party trade, run by both parties' node processes (`colloquy node`): the seller
 * starts `sell-asset`, the buyer answers with `buyAsset`. The buyer's back office takes a moment to review
 * an offer, long enough to kill the buyer's process in the middle of the trade.
 */
import { TwoPartyTrade } from '../generated/two-party-trade.js'
import { flow, nodeApp } from '../runtime/index.js'
import { buyAsset, sellAsset, type TradeOffer } from './two-party-trade-flows.js'

export interface SellArgs {
  readonly buyer: string
  readonly offer: TradeOffer
}

export const sellAssetFlow = flow('sell-asset', (ctx, args: SellArgs) => sellAsset(ctx, args.buyer, args.offer))

export default nodeApp({
  flows: [sellAssetFlow],
  protocols: [TwoPartyTrade],
  responders: [buyAsset({ maxPrice: 1000, wants: 'bond', reviewMs: Number(process.env.COLLOQUY_DEMO_REVIEW_MS ?? 1500) })],
})
