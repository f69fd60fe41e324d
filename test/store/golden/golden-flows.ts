/**
 * The flows the golden store was written with, and that the golden-store test resumes. They must not
 * change: a stored journal replays only against the code that wrote it. Alice runs the Echo caller
 * flows, Bob the Echo responder. Every value stored along the way is fixed (no clocks, no random), so
 * the stored bytes are known: a step result with a Date, a Map and a bigint, flow arguments, outcomes.
 */
import { Echo } from '../../../generated/echo.js'
import { type FlowContext, flow } from '../../../runtime/index.js'

/** Party names and flow ids in the golden store. */
export const golden = {
  alice: 'Alice',
  bob: 'Bob',
  finishedId: 'golden-finished',
  failedId: 'golden-failed',
  suspendedId: 'golden-suspended',
} as const

export interface GoldenQuote {
  readonly at: Date
  readonly lots: Map<string, bigint>
  readonly note: string
}

/** The `quote` step's result: types JSON would not round-trip, so the codec shows in the stored bytes. */
export function goldenQuote(): GoldenQuote {
  return { at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), lots: new Map([['lot-7', 7n]]), note: 'first quote' }
}

/** How often the `quote` step body ran in this process: 0 after a resume proves the journaled result was used. */
export const quoteCalls = { count: 0 }

export const failureMessage = 'the quote service refused the request'

export interface EchoSummary {
  readonly rounds: number
  readonly last: string | null
}

/** Two rounds of Echo with the peer, then done: finished and kept when the golden store was written. */
export const finishedFlow = flow(
  'golden.finished',
  (ctx: FlowContext, peer: string): Promise<EchoSummary> =>
    Echo.initiate(ctx, peer, {
      v1: async (s) => {
        let state = s
        let last: string | null = null
        for (let round = 0; round < 2; round++) {
          const waiting = await (await state.choose('ping')).send({ round, text: `finished-${round}` })
          const { payload, next } = await waiting.receive()
          last = payload.unwrap((e) => e.text)
          state = next
        }
        return (await state.choose('done')).end({ rounds: 2, last })
      },
    }),
)

/** A step that throws: the failed step is journaled and the flow's failure kept as its outcome. */
export const failedFlow = flow('golden.failed', async (ctx: FlowContext, _args: undefined): Promise<never> => {
  await ctx.step('attempt', () => {
    throw new Error(failureMessage)
  })
  throw new Error('unreachable: the attempt step always fails')
})

export interface SuspendedArgs {
  readonly peer: string
  readonly sleepMs: number
}

export interface SuspendedResult {
  readonly quote: GoldenQuote
  readonly echoes: readonly string[]
}

/**
 * A step, one full Echo round, a second ping sent, then a durable sleep before its echo is read: the
 * golden store holds this flow asleep, the second echo waiting in its inbox.
 */
export const suspendedFlow = flow('golden.suspended', async (ctx: FlowContext, args: SuspendedArgs): Promise<SuspendedResult> => {
  const quote = await ctx.step('quote', () => {
    quoteCalls.count++
    return goldenQuote()
  })
  return Echo.initiate(ctx, args.peer, {
    v1: async (s) => {
      const first = await (await s.choose('ping')).send({ round: 0, text: 'golden-0' })
      const { payload: echo0, next } = await first.receive()
      const second = await (await next.choose('ping')).send({ round: 1, text: 'golden-1' })
      await ctx.sleep(args.sleepMs)
      const { payload: echo1, next: last } = await second.receive()
      const echoes = [echo0.unwrap((e) => e.text), echo1.unwrap((e) => e.text)]
      return (await last.choose('done')).end({ quote, echoes })
    },
  })
})

/** Bob: echoes each ping; the responder flow's result is the number of rounds answered. */
export const echoResponder = Echo.responder({
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

export const aliceFlows = [finishedFlow, failedFlow, suspendedFlow]
