import { z } from 'zod'
import { protocol } from '../../../runtime/protocol/index.js'

/**
 * A choice inside a loop inside a choice: the shop says whether the basket is in stock; if it is, the
 * customer and the shop loop over delivery slots, the customer choosing each round to propose a slot
 * (which the shop takes or turns down) or to pick the parcel up instead.
 */
export const DeliveryV1 = protocol('Delivery', { version: 1, initiator: 'Customer', responder: 'Shop' })
  .send('basket', z.object({ items: z.array(z.string()) }))
  .offer('availability', {
    soldOut: (p) => p.receive('apology', z.object({ reason: z.string() })).end(),
    inStock: (p) =>
      p
        .loop('booking', (p) =>
          p.choose('slot', {
            propose: (p) =>
              p.send('proposedSlot', z.object({ day: z.string() })).offer('answer', {
                taken: (p) => p.receive('confirmation', z.object({ day: z.string(), ref: z.string() })).end(),
                busy: (p) => p.receive('busyReason', z.string()).continue('booking'),
              }),
            pickup: (p) => p.send('pickupAt', z.object({ store: z.string() })).end(),
          }),
        )
        .end(),
  })
  .end()
