import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type AnyProtocol, protocol } from '../../../runtime/protocol/index.js'
import { type StateEntry, buildStateTable } from '../../../runtime/protocol/ir/index.js'

/** The builder as a plain chain: its step-tuple types are not what this test is about, and 5,000 steps exceed them. */
interface Chain {
  send(label: string, schema: z.ZodType): Chain
  receive(label: string, schema: z.ZodType): Chain
  pipe(segment: (p: Chain) => Chain): Chain
  loop(name: string, body: (p: Chain) => Chain): Chain
  choose(label: string, branches: Record<string, (p: Chain) => Chain>): Chain
  continue(name: string): Chain
  end(): AnyProtocol
}

const segments = 50
const perSegment = 100

/** 5,000 alternating messages written as 50 `.pipe()` segments, then a loop whose choice repeats or leaves it. */
function longProtocol(): AnyProtocol {
  let chain = protocol('Long', { version: 1, initiator: 'Client', responder: 'Server' }) as unknown as Chain
  for (let segment = 0; segment < segments; segment++) {
    chain = chain.pipe((p) => {
      let q = p
      for (let i = 0; i < perSegment; i++) q = i % 2 === 0 ? q.send(`s${segment}m${i}`, z.string()) : q.receive(`s${segment}m${i}`, z.number())
      return q
    })
  }
  return chain
    .loop('round', (p) => p.send('ping', z.string()).choose('again', { more: (q) => q.continue('round'), done: (q) => q }))
    .receive('bye', z.string())
    .end()
}

describe('buildStateTable on a long protocol', () => {
  it('builds the table of a 5,000-step protocol (depth follows nesting, not length)', () => {
    const table = buildStateTable(longProtocol())
    const messages = segments * perSegment
    const ping = messages
    const again = messages + 1
    const bye = messages + 2
    const end = messages + 3
    expect(table.start).toBe(0)
    expect(table.states).toHaveLength(end + 1)
    expect(table.states[0]).toEqual({ id: 0, op: 'message', label: 's0m0', from: 'Client', to: 'Server', next: 1 })
    expect(table.states[1]).toEqual({ id: 1, op: 'message', label: 's0m1', from: 'Server', to: 'Client', next: 2 })
    const linkedInOrder = table.states.slice(0, messages).every((state: StateEntry, id) => state.op === 'message' && state.id === id && state.next === id + 1)
    expect(linkedInOrder).toBe(true)
    expect(table.states[messages - 1]).toMatchObject({ label: 's49m99', next: ping })
    expect(table.states[ping]).toEqual({ id: ping, op: 'message', label: 'ping', from: 'Client', to: 'Server', next: again })
    expect(table.states[again]).toEqual({ id: again, op: 'choice', label: 'again', by: 'Client', branches: { more: ping, done: bye } })
    expect(table.states[bye]).toEqual({ id: bye, op: 'message', label: 'bye', from: 'Server', to: 'Client', next: end })
    expect(table.states[end]).toEqual({ id: end, op: 'end' })
  }, 60_000)
})
