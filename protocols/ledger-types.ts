/** Ledger data shared by the trade protocols: a deliberately small model of Corda's transactions. */
import { z } from 'zod'

export const Amount = z.object({ quantity: z.number().int().nonnegative(), currency: z.string().length(3) })

export const StateRef = z.object({ txId: z.string().min(1), index: z.number().int().nonnegative() })

export const Asset = z.object({ ref: StateRef, description: z.string(), owner: z.string() })

export const TransactionSignature = z.object({ signer: z.string(), txId: z.string(), signature: z.string() })

export const SignedTransaction = z.object({
  id: z.string().min(1),
  inputs: z.array(StateRef),
  outputs: z.array(z.object({ owner: z.string(), description: z.string(), amount: Amount.optional() })),
  signatures: z.array(TransactionSignature),
})
