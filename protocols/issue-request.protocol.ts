import { z } from 'zod'
import { protocol } from '../runtime/protocol/index.js'
import { Amount, SignedTransaction } from './ledger-types.js'

/**
 * A protocol with a choice: a requester asks an issuer for cash; the issuer decides (offer) whether to
 * issue it, with the transaction, or to decline, with a reason.
 */
export const IssueRequestV1 = protocol('IssueRequest', { version: 1, initiator: 'Requester', responder: 'Issuer' })
  .send('request', z.object({ amount: Amount, reference: z.string().max(64) }))
  .offer('decision', {
    issue: (p) => p.receive('issuance', SignedTransaction).send('receipt', z.object({ txId: z.string() })),
    decline: (p) => p.receive('declineReason', z.object({ reason: z.string() })),
  })
  .end()
