/**
 * Both roles of Demo, the flow interface of the upgrading document. Version 1 sends the amount as an
 * integer, version 2 as a string; one handler per version, picked by the negotiated version.
 */
import { Demo } from '../generated/demo.js'
import type { FlowContext } from '../runtime/index.js'

export interface DemoResult {
  readonly name: string
  readonly count: number
}

/** Alice: sends an amount, reads Bob's greeting, replies, and receives the CustomType result. */
export function demoInitiator(ctx: FlowContext, bob: string, amount: number): Promise<DemoResult> {
  return Demo.initiate(ctx, bob, {
    v1: async (s) => {
      const greetingState = await s.send(amount)
      const { payload: greeting, next } = await greetingState.receive()
      const text = greeting.unwrap((g) => g.trim())
      const resultState = await next.send(`${text}, Bob`)
      const { payload, next: end } = await resultState.receive()
      return end.end(payload.unwrap((r) => r))
    },
    v2: async (s) => {
      const greetingState = await s.send(String(amount))
      const { payload: greeting, next } = await greetingState.receive()
      const resultState = await next.send(`${greeting.unwrap((g) => g.trim())}, Bob`)
      const { payload, next: end } = await resultState.receive()
      return end.end(payload.unwrap((r) => r))
    },
  })
}

/** Bob: greets, then reports how many characters the reply had. */
export const demoResponder = Demo.responder({
  v1: async (s) => {
    const { payload: amount, next } = await s.receive()
    const value = amount.unwrap((a) => a)
    const replyState = await next.send(`Hello, you sent ${value}`)
    const { payload: reply, next: resultState } = await replyState.receive()
    const end = await resultState.send({ name: reply.unwrap((r) => r), count: value })
    return end.end()
  },
  v2: async (s) => {
    const { payload: amount, next } = await s.receive()
    const value = amount.unwrap((a) => {
      const n = Number(a)
      if (!Number.isInteger(n)) throw new Error(`amount '${a}' is not an integer`)
      return n
    })
    const replyState = await next.send(`Hello, you sent ${value}`)
    const { payload: reply, next: resultState } = await replyState.receive()
    const end = await resultState.send({ name: reply.unwrap((r) => r), count: value })
    return end.end()
  },
})
