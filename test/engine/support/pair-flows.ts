/**
 * Pair: the initiator sends twice before its first receive, so its second frame waits for the peer's
 * confirm (held by the outbox) while the flow idles in that receive, and may be evicted meanwhile.
 */
import { z } from 'zod'
import { flow } from '../../../runtime/engine/index.js'
import { protocol } from '../../../runtime/protocol/index.js'
import type { ProtocolState } from '../../../runtime/protocol/session/index.js'
import { familyOf } from './family.js'

export const Pair = protocol('Pair', { version: 1, initiator: 'Giver', responder: 'Adder' })
  .send('a', z.number().int())
  .send('b', z.number().int())
  .receive('sum', z.number().int())
  .send('c', z.number().int())
  .receive('total', z.number().int())
  .end()

export const PairFamily = familyOf(Pair)

type S = ProtocolState

/** Sends n and n + 1, then n * 10; returns the peer's total: n + (n + 1) + n * 10. */
export const giver = flow('giver', async (ctx, n: number) =>
  PairFamily.initiate(ctx, 'Bob', {
    v1: async (s: S) => {
      const afterA = await s.send(n)
      const afterB = await afterA.send(n + 1)
      const { payload, next } = await afterB.receive()
      const sum = payload.unwrap((v) => v as number)
      const { payload: total, next: last } = await (await next.send(n * 10)).receive()
      const result = total.unwrap((v) => v as number)
      if (sum !== 2 * n + 1) throw new Error(`sum ${sum} for ${n}`)
      return last.end(result)
    },
  }),
)

export const adder = PairFamily.responder({
  v1: async (s: S) => {
    const { payload: a, next: afterA } = await s.receive()
    const { payload: b, next: afterB } = await afterA.receive()
    const sum = a.unwrap((v) => v as number) + b.unwrap((v) => v as number)
    const { payload: c, next } = await (await afterB.send(sum)).receive()
    return (await next.send(sum + c.unwrap((v) => v as number))).end()
  },
})

/** The result giver(n) finishes with. */
export const expectedTotal = (n: number) => 2 * n + 1 + n * 10
