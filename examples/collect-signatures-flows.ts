/**
 * Both roles of CollectSignatures, written once and used standalone or inlined into other protocols
 * (TwoPartyTrade inlines it): the collector sends its signed proposal, the signer checks and signs.
 */
import {
  CollectSignatures,
  type CollectSignaturesV1Collector_Handler,
  type CollectSignaturesV1Signer_Handler,
  type CollectSignaturesV1_Proposal,
} from '../generated/collect-signatures.js'
import type { FlowContext } from '../runtime/index.js'
import { sign } from './ledger.js'

export type SignedTransaction = CollectSignaturesV1_Proposal

/** Collector: returns the transaction with the counterparty's signature added. */
export function collectSignature(proposal: SignedTransaction): CollectSignaturesV1Collector_Handler<SignedTransaction> {
  return async (s) => {
    const signatureState = await s.send(proposal)
    const { payload, next } = await signatureState.receive()
    const signature = payload.unwrap((sig) => {
      if (sig.txId !== proposal.id) throw new Error(`signature is for ${sig.txId}, not ${proposal.id}`)
      return sig
    })
    return next.end({ ...proposal, signatures: [...proposal.signatures, signature] })
  }
}

/** Signer: checks the proposal with `verify` (which throws to refuse), then signs it. */
export function signTransaction(verify: (tx: SignedTransaction) => void): CollectSignaturesV1Signer_Handler<string> {
  return async (s, ctx) => {
    const { payload, next } = await s.receive()
    const tx = payload.unwrap((t) => {
      verify(t)
      return t
    })
    const end = await next.send(await ctx.step('sign', () => sign(ctx.me, tx.id)))
    return end.end(tx.id)
  }
}

/** Standalone use: ask `signer` to sign `proposal`. */
export function collectSignaturesFrom(ctx: FlowContext, signer: string, proposal: SignedTransaction): Promise<SignedTransaction> {
  return CollectSignatures.initiate(ctx, signer, { v1: collectSignature(proposal) })
}

export const signTransactionResponder = CollectSignatures.responder({
  v1: signTransaction((tx) => {
    if (tx.signatures.length === 0) throw CollectSignatures.errors.SignatureRefused.create({ reason: 'unsigned proposal' }, 'the proposal carries no signature')
  }),
})
