/** Both roles of Echo: the caller pings for a number of rounds and checks every echo; the echoer answers. */
import { Echo } from '../generated/echo.js'
import type { FlowContext } from '../runtime/index.js'

export interface EchoSummary {
  readonly rounds: number
  /** The last echo, for a quick look at what came back. */
  readonly last: string | null
}

/** Pings `peer` `rounds` times; fails if any echo differs from its ping. */
export function pingPong(ctx: FlowContext, peer: string, rounds: number, tag = 'ping'): Promise<EchoSummary> {
  return Echo.initiate(ctx, peer, {
    v1: async (s) => {
      // The loop's state: the choice every round comes back to (the first state is that choice too).
      let state = s
      let last: string | null = null
      for (let round = 0; round < rounds; round++) {
        const text = `${tag}-${round}`
        const pinging = await state.choose('ping')
        const waiting = await pinging.send({ round, text })
        const { payload, next } = await waiting.receive()
        const echo = payload.unwrap((e) => e)
        if (echo.round !== round || echo.text !== text) {
          throw new Error(`round ${round}: sent '${text}' but ${peer} echoed round ${echo.round} '${echo.text}'`)
        }
        last = echo.text
        state = next
      }
      const done = await state.choose('done')
      return done.end({ rounds, last })
    },
  })
}

/** Echoes every ping unchanged; resolves with the number of rounds answered. */
export function echoer() {
  return Echo.responder({
    v1: async (s) => {
      let answered = 0
      let state = s
      for (;;) {
        const step = await state.offer()
        if (step.branch === 'done') return step.next.end(answered)
        const { payload, next } = await step.next.receive()
        const ping = payload.unwrap((p) => p)
        state = await next.send({ round: ping.round, text: ping.text })
        answered++
      }
    },
  })
}
