import { z } from 'zod'
import { protocol } from '../runtime/protocol/index.js'
import { SignedTransaction, TransactionSignature } from './ledger-types.js'

/**
 * Corda's CollectSignaturesFlow / SignTransactionFlow pair: the collector sends a transaction it has
 * signed, the signer checks it and answers with its signature. Used on its own, or inlined into a larger
 * protocol on that protocol's session (as TwoPartyTrade does).
 */
export const CollectSignaturesV1 = protocol('CollectSignatures', { version: 1, initiator: 'Collector', responder: 'Signer' })
  .errors({ SignatureRefused: z.object({ reason: z.string() }) })
  .send('proposal', SignedTransaction)
  .receive('signature', TransactionSignature)
  .end()
