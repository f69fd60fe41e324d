/** Both roles of PriceNegotiation, a protocol with a loop of counter-offers. */
import { PriceNegotiation } from '../generated/price-negotiation.js'
import type { FlowContext } from '../runtime/index.js'

export type NegotiationOutcome = { readonly agreed: number } | { readonly walkedAway: string }

/** Buyer: opens at `opening`, raises by `step` after each counter-offer, walks away above `ceiling`. */
export function negotiate(ctx: FlowContext, seller: string, opening: number, step: number, ceiling: number): Promise<NegotiationOutcome> {
  return PriceNegotiation.initiate(ctx, seller, {
    v1: async (s) => {
      let bid = opening
      let round = await s.send({ price: { quantity: bid, currency: 'GBP' } })
      for (;;) {
        const response = await round.offer()
        if (response.branch === 'accept') {
          const { payload, next } = await response.next.receive()
          return next.end<NegotiationOutcome>({ agreed: payload.unwrap((p) => p.quantity) })
        }
        const { payload, next: reaction } = await response.next.receive()
        const counter = payload.unwrap((c) => c.price.quantity)
        bid = Math.min(counter, bid + step)
        if (bid > ceiling) {
          const walking = await reaction.choose('walkAway')
          const end = await walking.send({ reason: `the counter-offer ${counter} is above ${ceiling}` })
          return end.end<NegotiationOutcome>({ walkedAway: `ceiling ${ceiling}` })
        }
        const raising = await reaction.choose('raise')
        round = await raising.send({ price: { quantity: bid, currency: 'GBP' }, note: `raised to ${bid}` })
      }
    },
  })
}

/** Seller: accepts any bid at or above `reserve`, otherwise counters with the reserve. */
export function seller(reserve: number) {
  return PriceNegotiation.responder({
    v1: async (s) => {
      const { payload, next } = await s.receive()
      let bid = payload.unwrap((b) => b.price.quantity)
      let state = next
      for (;;) {
        if (bid >= reserve) {
          const accepting = await state.choose('accept')
          const end = await accepting.send({ quantity: bid, currency: 'GBP' })
          return end.end(bid)
        }
        const countering = await state.choose('counter')
        const reaction = await countering.send({ price: { quantity: reserve, currency: 'GBP' } })
        const answer = await reaction.offer()
        if (answer.branch === 'walkAway') {
          const { next: end } = await answer.next.receive()
          return end.end(undefined)
        }
        const raised = await answer.next.receive()
        bid = raised.payload.unwrap((b) => b.price.quantity)
        state = raised.next
      }
    },
  })
}
