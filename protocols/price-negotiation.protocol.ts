import { z } from 'zod'
import { protocol } from '../runtime/protocol/index.js'
import { Amount } from './ledger-types.js'

const Bid = z.object({ price: Amount, note: z.string().optional() })

/**
 * A protocol with a loop: counter-offers. The buyer bids; each round the seller accepts or counters;
 * after a counter the buyer raises its bid (another round) or walks away.
 */
export const PriceNegotiationV1 = protocol('PriceNegotiation', { version: 1, initiator: 'Buyer', responder: 'Seller' })
  .send('openingBid', Bid)
  .loop('round', (p) =>
    p.offer('response', {
      accept: (p) => p.receive('agreedPrice', Amount).end(),
      counter: (p) =>
        p.receive('counterOffer', Bid).choose('reaction', {
          raise: (p) => p.send('raisedBid', Bid).continue('round'),
          walkAway: (p) => p.send('walkAwayReason', z.object({ reason: z.string() })).end(),
        }),
    }),
  )
  .end()
