/** Both roles of IssueRequest: the issuer decides (offer) whether to issue the cash or decline. */
import { IssueRequest } from '../generated/issue-request.js'
import type { FlowContext } from '../runtime/index.js'
import { sign, transactionId } from './ledger.js'

export type IssueOutcome = { readonly issued: true; readonly txId: string } | { readonly issued: false; readonly reason: string }

/** Requester: asks for `quantity` of `currency` and reports what the issuer decided. */
export function requestIssuance(ctx: FlowContext, issuer: string, quantity: number, currency: string): Promise<IssueOutcome> {
  return IssueRequest.initiate(ctx, issuer, {
    v1: async (s) => {
      const decision = await s.send({ amount: { quantity, currency }, reference: `${ctx.flowId}` })
      return decision.match({
        issue: async (issuance) => {
          const { payload, next } = await issuance.receive()
          const tx = payload.unwrap((t) => t)
          const end = await next.send({ txId: tx.id })
          return end.end<IssueOutcome>({ issued: true, txId: tx.id })
        },
        decline: async (declined) => {
          const { payload, next } = await declined.receive()
          return next.end<IssueOutcome>({ issued: false, reason: payload.unwrap((r) => r.reason) })
        },
      })
    },
  })
}

/** Issuer: issues amounts up to `limit`, declines the rest. */
export function issuer(limit: number) {
  return IssueRequest.responder({
    v1: async (s, ctx) => {
      const { payload, next } = await s.receive()
      const request = payload.unwrap((r) => r)
      if (request.amount.quantity > limit) {
        const declined = await next.choose('decline')
        const end = await declined.send({ reason: `${request.amount.quantity} exceeds the issuing limit of ${limit}` })
        return end.end()
      }
      const issuing = await next.choose('issue')
      const id = transactionId([request.reference, request.amount])
      const receiptState = await issuing.send({
        id,
        inputs: [],
        outputs: [{ owner: ctx.me, description: 'cash', amount: request.amount }],
        signatures: [sign(ctx.me, id)],
      })
      const { next: end } = await receiptState.receive()
      return end.end()
    },
  })
}
