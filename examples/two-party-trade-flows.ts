/**
 * Corda's two-party trade. The seller offers an asset at a price; the buyer checks both (raising the
 * declared UnacceptablePrice or AssetMismatch errors), builds the transaction, collects the seller's
 * signature through the inlined CollectSignatures protocol, and sends the finished transaction back.
 */
import { TwoPartyTrade, type TwoPartyTradeV1_TradeInfo } from '../generated/two-party-trade.js'
import type { FlowContext } from '../runtime/index.js'
import { collectSignature, signTransaction, type SignedTransaction } from './collect-signatures-flows.js'
import { sign, transactionId } from './ledger.js'

export type TradeOffer = Omit<TwoPartyTradeV1_TradeInfo, 'payToIdentity'>

export interface BuyerTerms {
  /** The most the buyer pays, in the offer's currency. */
  readonly maxPrice: number
  /** Substring the asset description must contain. */
  readonly wants: string
  /** How long the buyer's back office reviews an acceptable offer (a durable timer) before it builds the transaction. */
  readonly reviewMs?: number
}

/** The seller's progress steps, as operators watch them (`colloquy flow watch`, the client's startTrackedFlow). */
export const sellerSteps = [
  { name: 'offering', label: 'Sending the offer to the buyer' },
  { name: 'signing', label: "Checking and signing the buyer's transaction" },
  { name: 'receiving', label: 'Waiting for the finished transaction' },
]

/** Seller: offers the asset and signs the buyer's transaction if it pays the seller the asking price. */
export function sellAsset(ctx: FlowContext, buyer: string, offer: TradeOffer): Promise<SignedTransaction> {
  ctx.progress.setSteps(sellerSteps)
  return TwoPartyTrade.initiate(ctx, buyer, {
    v1: async (s) => {
      ctx.progress.currentStep = 'offering'
      const signing = await s.send({ ...offer, payToIdentity: ctx.me })
      ctx.progress.currentStep = 'signing'
      const { next } = await signing.inline(
        signTransaction((tx) => {
          const paid = tx.outputs.some((o) => o.owner === ctx.me && o.amount?.quantity === offer.price.quantity && o.amount.currency === offer.price.currency)
          if (!paid) throw new Error(`transaction ${tx.id} does not pay ${ctx.me} the asking price`)
        }),
      )
      ctx.progress.currentStep = 'receiving'
      const { payload, next: end } = await next.receive()
      return end.end(payload.unwrap((tx) => tx))
    },
  })
}

/** Buyer: accepts an offer within its terms, builds and signs the transaction, collects the seller's signature. */
export function buyAsset(terms: BuyerTerms) {
  return TwoPartyTrade.responder({
    v1: async (s, ctx) => {
      const { payload, next } = await s.receive()
      const info = payload.unwrap((i) => {
        if (i.price.quantity > terms.maxPrice) {
          throw TwoPartyTrade.errors.UnacceptablePrice.create(
            { askingPrice: i.price, maxPrice: { quantity: terms.maxPrice, currency: i.price.currency } },
            `asking ${i.price.quantity} ${i.price.currency} but the buyer pays at most ${terms.maxPrice}`,
          )
        }
        if (!i.asset.description.includes(terms.wants)) {
          throw TwoPartyTrade.errors.AssetMismatch.create(
            { expected: terms.wants, offered: i.asset },
            `the buyer wants '${terms.wants}', not '${i.asset.description}'`,
          )
        }
        return i
      })
      if (terms.reviewMs) await ctx.sleep(terms.reviewMs)
      const proposal = await ctx.step('build-transaction', () => buildTransaction(ctx.me, info))
      const { result: signed, next: finalState } = await next.inline(collectSignature(proposal))
      const end = await finalState.send(signed)
      return end.end(signed)
    },
  })
}

function buildTransaction(buyer: string, info: TwoPartyTradeV1_TradeInfo): SignedTransaction {
  const outputs = [
    { owner: buyer, description: info.asset.description },
    { owner: info.payToIdentity, description: 'payment', amount: info.price },
  ]
  const id = transactionId([info.asset.ref, outputs])
  return { id, inputs: [info.asset.ref], outputs, signatures: [sign(buyer, id)] }
}
