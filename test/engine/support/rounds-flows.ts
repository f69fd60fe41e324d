/** Both roles of Rounds, with journaled steps counted so tests can check each side effect ran once. */
import { flow } from '../../../runtime/engine/index.js'
import type { ProtocolState } from '../../../runtime/protocol/session/index.js'
import { familyOf } from './family.js'
import { Rounds } from './protocols.js'

export const RoundsFamily = familyOf(Rounds)

/** Side effects by name, counted across restarts (the counter lives outside the nodes). */
export const effects = new Map<string, number>()
export const bump = (name: string) => effects.set(name, (effects.get(name) ?? 0) + 1)

type S = ProtocolState

export const asker = flow('asker', async (ctx, start: number) => {
  return RoundsFamily.initiate(ctx, 'Bob', {
    v1: async (s: S, c) => {
      const a = await s.send(start)
      const { payload: p1, next: b } = await a.receive()
      const first = p1.unwrap((v) => v as number)
      const doubled = await c.step('double', () => (bump(`asker-double-${start}`), first * 2))
      const d = await b.send(doubled)
      const { payload: p2, next: e } = await d.receive()
      const total = await c.step('total', () => (bump(`asker-total-${start}`), p2.unwrap((v) => v as number) + doubled))
      return e.end(total)
    },
  })
})

export const answerer = RoundsFamily.responder({
  v1: async (s: S, c) => {
    const { payload: q1, next: a } = await s.receive()
    const n = q1.unwrap((v) => v as number)
    const plus = await c.step('plus-one', () => (bump(`answerer-plus-${n}`), n + 1))
    const b = await a.send(plus)
    const { payload: q2, next: d } = await b.receive()
    const e = await d.send(q2.unwrap((v) => v as number) + 100)
    return e.end()
  },
})
