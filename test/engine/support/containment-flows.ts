/**
 * Flows for the containment tests: Rounds between Alice and Bob, with the responder's behaviour chosen by
 * the number it is asked (so one node serves a failing flow and a healthy one side by side).
 */
import { flow } from '../../../runtime/engine/index.js'
import type { ProtocolState } from '../../../runtime/protocol/session/index.js'
import { RoundsFamily } from './rounds-flows.js'

type S = ProtocolState

/** What Bob's responder does with the number `n` before it answers; by default nothing. */
export const before = new Map<number, (ctx: { sleep(ms: number): Promise<void> }) => Promise<void>>()

/** Bob's side: answers n + 1, then the second number + 100. */
export const answering = RoundsFamily.responder({
  v1: async (s: S, ctx) => {
    const { payload: q1, next: a } = await s.receive()
    const n = q1.unwrap((v) => v as number)
    await before.get(n)?.(ctx)
    const plus = await ctx.step('plus-one', () => n + 1)
    const b = await a.send(plus)
    const { payload: q2, next: d } = await b.receive()
    const e = await d.send(q2.unwrap((v) => v as number) + 100)
    return e.end()
  },
})

/** Alice's side: asks n, then twice the answer (after a durable pause of `pauseMs`); returns the last answer. */
export const asking = flow('asking', async (ctx, { n, pauseMs = 0 }: { n: number; pauseMs?: number }) =>
  RoundsFamily.initiate(ctx, 'Bob', {
    v1: async (s: S, c) => {
      const { payload: p1, next: b } = await (await s.send(n)).receive()
      if (pauseMs > 0) await c.sleep(pauseMs)
      const { payload: p2, next: e } = await (await b.send(p1.unwrap((v) => v as number) * 2)).receive()
      return e.end(p2.unwrap((v) => v as number))
    },
  }),
)

/** What a healthy round with `n` returns. */
export const answerTo = (n: number) => (n + 1) * 2 + 100
