import { z } from 'zod'
import { protocol } from '../runtime/protocol/index.js'
import { CollectSignaturesV1 } from './collect-signatures.protocol.js'
import { Amount, Asset, SignedTransaction } from './ledger-types.js'

/** What the seller offers: the asset, its price and where to pay (Corda's SellerTradeInfo). */
export const SellerTradeInfo = z.object({ price: Amount, payToIdentity: z.string(), asset: Asset })

/**
 * Corda's two-party trade: the seller sends its trade info; the buyer checks price and asset, builds
 * the transaction and collects the seller's signature through the inlined CollectSignatures protocol
 * (buyer as Collector, seller as Signer); the buyer then sends the finished transaction back.
 * The buyer raises UnacceptablePrice or AssetMismatch instead of building a transaction it will not pay for.
 */
export const TwoPartyTradeV1 = protocol('TwoPartyTrade', { version: 1, initiator: 'Seller', responder: 'Buyer' })
  .errors({
    UnacceptablePrice: z.object({ askingPrice: Amount, maxPrice: Amount }),
    AssetMismatch: z.object({ expected: z.string(), offered: Asset }),
  })
  .send('tradeInfo', SellerTradeInfo)
  .inline(CollectSignaturesV1, { label: 'signatures', roles: { Collector: 'Buyer', Signer: 'Seller' } })
  .receive('finalTransaction', SignedTransaction)
  .end()
