/**
 * The handler tests' flow context has ctx.progress and ctx.waitFor too: a real progress tracker (a
 * sub-flow's nests under the current step) and events answered from the test's `signals`.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { Demo } from '../../generated/demo.js'
import { ProgressTracker, flow } from '../../runtime/engine/index.js'
import { TestKitError, receive, send, testInitiator, testResponder } from '../../runtime/testing/index.js'

const checkAmount = flow('check-amount', async (ctx, amount: number) => {
  ctx.progress.setSteps(['Checking'])
  ctx.progress.currentStep = 'Checking'
  return amount > 0
})

/** Bob asks a person before he replies, and reports where he is. */
const approvingBob = Demo.only(1).responder({
  v1: async (s, ctx) => {
    ctx.progress.setSteps(['Receiving', 'Approving', 'Answering'])
    ctx.progress.currentStep = 'Receiving'
    const { payload, next } = await s.receive()
    const amount = payload.unwrap((a) => a as number)
    ctx.progress.currentStep = 'Approving'
    await ctx.subFlow(checkAmount, amount)
    const approval = await ctx.waitFor('approval', z.object({ ok: z.boolean() }))
    ctx.progress.currentStep = 'Answering'
    const reply = await next.send(approval.ok && approval.value.ok ? 'approved' : 'refused')
    const { next: result } = await reply.receive()
    return (await result.send({ name: 'Bob', count: amount })).end()
  },
})

const script = [send('amount', 5), receive('greeting', (g: string) => g === 'approved'), send('reply', 'thanks'), receive('result')]

describe('ctx.progress and ctx.waitFor in handler tests', () => {
  it('waitFor answers from the signals given, parsed by the schema; progress is a real tracker with nesting', async () => {
    const progress = new ProgressTracker()
    await testResponder(Demo, approvingBob, { script, signals: { approval: { ok: true } }, progress })
    expect(progress.currentStep).toBe('Answering')
    expect(progress.child('Approving')?.currentStep).toBe('DONE')
    expect(progress.tree().steps.map((s) => s.name)).toEqual(['Receiving', 'Approving', 'Answering'])
  })

  it('a wait without a signal fails the test unless it has a timeout, which then passes', async () => {
    const run = testResponder(Demo, approvingBob, { script })
    await expect(run).rejects.toThrow(TestKitError)
    await expect(run).rejects.toThrow("The handler waits for event 'approval' without a timeout, and the test gave no signal for it")
    const timedOut = await testInitiator(Demo, async (ctx) => ctx.waitFor('never', z.string(), { timeoutMs: 10 }), { script: [] }).catch(
      (error: unknown) => error,
    )
    // The flow returns without a session: the kit reports that, after the wait timed out rather than hanging.
    expect((timedOut as Error).message).toContain('The flow returned without opening a Demo session')
  })
})
