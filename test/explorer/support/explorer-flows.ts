/**
 * The flows the Explorer's browser tests run on the Ops node, each talking to the Desk node over Echo:
 * `rounds` pings Desk round after round with a pause between (its progress moves while one watches),
 * `approval` waits for an operator's `approve` event, `review` for a `review` event whose payload nests an
 * object and offers choices (the reviewer's name is required), `hold` pings once and then waits for a `release` event
 * nobody sends (so there is something to kill), `settle` goes to the flow hospital while the ledger is
 * unreachable (a retry after it is back completes it), `signing` pings once and then runs the sub-flow
 * `collect-signatures`, which pings and runs the sub-flow `countersign`, which pings and waits for a `sign` event.
 */
import { z } from 'zod'
import { Echo } from '../../../generated/echo.js'
import { HospitalizeFlowError, flow } from '../../../runtime/engine/index.js'
import type { FlowContext } from '../../../runtime/protocol/session/flow-context.js'

/** Pings `peer` once per round, pausing `pauseMs` (a durable timer) before each round; with `track`, a progress step per round. */
async function pingRounds(ctx: FlowContext, peer: string, rounds: number, pauseMs: number, track = true): Promise<number> {
  const steps = Array.from({ length: rounds }, (_, i) => `round ${i + 1}`)
  const step = (name: string) => {
    if (track) ctx.progress.currentStep = name
  }
  if (track) ctx.progress.setSteps([...steps, 'settled'])
  return Echo.initiate(ctx, peer, {
    v1: async (s) => {
      let state = s
      for (let round = 0; round < rounds; round++) {
        step(steps[round]!)
        await ctx.sleep(pauseMs)
        const { next } = await (await (await state.choose('ping')).send({ round, text: `ping ${round}` })).receive()
        state = next
      }
      step('settled')
      return (await state.choose('done')).end(rounds)
    },
  })
}

export const roundsFlow = flow(
  'rounds',
  z.object({ peer: z.string(), rounds: z.number().int().positive(), pauseMs: z.number().int().nonnegative() }),
  (ctx, args) => pingRounds(ctx, args.peer, args.rounds, args.pauseMs),
)

export const approvalFlow = flow('approval', z.object({ peer: z.string(), amount: z.number() }), async (ctx, args) => {
  ctx.progress.setSteps(['quote', 'review', 'book'])
  ctx.progress.currentStep = 'quote'
  await pingRounds(ctx, args.peer, 1, 0, false)
  ctx.progress.currentStep = 'review'
  const answer = await ctx.waitFor('approve', z.object({ approved: z.boolean() }))
  ctx.progress.currentStep = 'book'
  return answer.ok && answer.value.approved ? `booked ${args.amount}` : `declined ${args.amount}`
})

export const reviewFlow = flow('review', z.object({ peer: z.string() }), async (ctx, args) => {
  await pingRounds(ctx, args.peer, 1, 0, false)
  const review = z.object({
    decision: z.enum(['approve', 'reject', 'escalate']),
    reviewer: z.object({ name: z.string().min(1), team: z.enum(['ops', 'risk']) }),
    note: z.string().optional(),
  })
  const answer = await ctx.waitFor('review', review)
  if (!answer.ok) return 'no review'
  const { decision, reviewer } = answer.value
  return `${decision} by ${reviewer.name} (${reviewer.team})`
})

export const holdFlow = flow('hold', z.object({ peer: z.string() }), async (ctx, args) => {
  await pingRounds(ctx, args.peer, 1, 0, false)
  await ctx.waitFor('release', z.null())
  return 'released'
})

/** Whether `settle` finds its ledger; tests flip it. */
export const ledger = { reachable: false }

export const settleFlow = flow('settle', z.object({ peer: z.string() }), async (ctx, args) => {
  await pingRounds(ctx, args.peer, 1, 0, false)
  if (!ledger.reachable) throw new HospitalizeFlowError('The ledger is not reachable; retry once it is back.')
  return 'settled'
})

const countersignFlow = flow('countersign', z.object({ peer: z.string() }), async (ctx, args) => {
  await pingRounds(ctx, args.peer, 1, 0, false)
  const signed = await ctx.waitFor('sign', z.object({ by: z.string() }))
  return signed.ok ? signed.value.by : 'unsigned'
})

const collectSignaturesFlow = flow('collect-signatures', z.object({ peer: z.string() }), async (ctx, args) => {
  await pingRounds(ctx, args.peer, 1, 0, false)
  return ctx.subFlow(countersignFlow, args)
})

export const signingFlow = flow('signing', z.object({ peer: z.string() }), async (ctx, args) => {
  await pingRounds(ctx, args.peer, 1, 0, false)
  return `signed by ${await ctx.subFlow(collectSignaturesFlow, args)}`
})

export const explorerFlows = [roundsFlow, approvalFlow, reviewFlow, holdFlow, settleFlow, signingFlow]
