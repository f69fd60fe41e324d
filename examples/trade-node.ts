/**
 * The node app of the two-party trade, run by both parties' node processes (`colloquy node`): the seller
 * starts `sell-asset`, the buyer answers with `buyAsset`. The buyer's back office takes a moment to review
 * an offer, long enough to kill the buyer's process in the middle of the trade.
 */
import { z } from 'zod'
import { TwoPartyTrade } from '../generated/two-party-trade.js'
import { Amount, Asset } from '../protocols/ledger-types.js'
import { flow, nodeApp } from '../runtime/index.js'
import { buyAsset, sellAsset } from './two-party-trade-flows.js'

/** The seller's arguments, checked when the flow starts: the buyer's name and what is offered at what price. */
export const SellArgs = z.object({ buyer: z.string().min(1), offer: z.object({ price: Amount, asset: Asset }) })
export type SellArgs = z.input<typeof SellArgs>

export const sellAssetFlow = flow('sell-asset', SellArgs, (ctx, args) => sellAsset(ctx, args.buyer, args.offer))

export default nodeApp({
  flows: [sellAssetFlow],
  protocols: [TwoPartyTrade],
  responders: [buyAsset({ maxPrice: 1000, wants: 'bond', reviewMs: Number(process.env.COLLOQUY_DEMO_REVIEW_MS ?? 1500) })],
})
