import { z } from 'zod'
import { protocol } from '../../../runtime/protocol/index.js'

/**
 * Two versions with the same steps and different errors: v2 adds a code to `Rejected` and a new error,
 * `OutOfWindow`, so a v1 merchant may raise neither the v2 details nor the v2-only error. `OutOfWindow`'s
 * `policy` has a default: the raising side may leave it out, the receiving side reads it.
 */
export const RefundV1 = protocol('Refund', { version: 1, initiator: 'Customer', responder: 'Merchant' })
  .errors({ Rejected: z.object({ reason: z.string() }) })
  .send('claim', z.object({ orderId: z.string(), amount: z.number() }))
  .receive('refund', z.object({ amount: z.number() }))
  .end()

export const RefundV2 = protocol('Refund', { version: 2, initiator: 'Customer', responder: 'Merchant' })
  .errors({
    Rejected: z.object({ reason: z.string(), code: z.number().int() }),
    OutOfWindow: z.object({ days: z.number().int(), policy: z.string().default('30 days') }),
  })
  .send('claim', z.object({ orderId: z.string(), amount: z.number() }))
  .receive('refund', z.object({ amount: z.number() }))
  .end()
