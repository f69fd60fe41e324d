/**
 * What the hospital tests share: a raw request/answer protocol between Alice and Bob (channels without a
 * generated module), Bob's responder, and errors of the kinds the staff know.
 */
import type { FlowContext, ResponderRegistration, SessionChannel } from '../../../runtime/protocol/session/index.js'

export const raw = [{ version: 1, hash: 'sha256:raw' }]

/** An error as SQLite throws it when the database is busy: a transient fault. */
export function busy(): Error {
  return Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })
}

/** What Bob's responder saw: the questions, and how its session ended. */
export interface BobSaw {
  questions: unknown[]
  ended: unknown
}

/** Bob answers each question with its double until the session ends; `delayMs` sleeps (durably) before answering. */
export function doubler(saw: BobSaw, delayMs = 0): ResponderRegistration {
  return {
    protocol: 'Ask',
    versions: raw,
    run: async (channel: SessionChannel, ctx: FlowContext) => {
      try {
        for (;;) {
          const frame = await channel.receive()
          if (frame.kind !== 'data') continue
          saw.questions.push(frame.payload)
          if (delayMs > 0) await ctx.sleep(delayMs)
          await channel.send({ kind: 'data', label: 'answer', payload: (frame.payload as number) * 2 })
        }
      } catch (error) {
        saw.ended = error
      }
    },
  }
}

/** Opens the Ask session with Bob and asks one question. */
export async function ask(ctx: FlowContext, question: number): Promise<{ channel: SessionChannel; answer: unknown }> {
  const channel = await ctx.openSession({ protocol: 'Ask', counterparty: 'Bob', versions: raw })
  await channel.send({ kind: 'data', label: 'question', payload: question })
  const frame = await channel.receive()
  return { channel, answer: frame.kind === 'data' ? frame.payload : undefined }
}
