/** Flows the RPC tests start: one that answers, one that raises a declared error, one that waits for a signal. */
import { z } from 'zod'
import { flow } from '../../../runtime/engine/index.js'
import { FlowException } from '../../../runtime/protocol/session/session-errors.js'

export const echoFlow = flow('echo', z.object({ text: z.string() }), async (_ctx, args) => args.text)

export const refuseFlow = flow('refuse', z.object({ max: z.number() }), async (_ctx, args) => {
  throw new FlowException('Trade', 'PriceTooHigh', { max: args.max }, `The price is above ${args.max}.`)
})

/** Waits for the `go` signal and returns its payload's note. */
export const waitingFlow = flow('wait-for-go', z.object({ tag: z.string() }), async (ctx, args) => {
  ctx.progress.setSteps(['waiting', 'finishing'])
  ctx.progress.currentStep = 'waiting'
  const go = await ctx.waitFor('go', z.object({ note: z.string() }))
  ctx.progress.currentStep = 'finishing'
  return go.ok ? `${args.tag}:${go.value.note}` : `${args.tag}:timed out`
})

export const rpcFlows = [echoFlow, refuseFlow, waitingFlow]
