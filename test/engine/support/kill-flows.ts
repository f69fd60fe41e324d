/**
 * The flows of the kill tests (test/engine/kill-reaches-flow.test.ts): Alice's caller and Bob's callee of a
 * small KillTalk protocol, each recording what its catch and finally saw; Bob's callee does what `scene.mode`
 * says between its first receive and its first send (sleep, crunch in a step polling ctx.isKilled, wait on a
 * step's commit, or swallow the kill and carry on).
 */
import { z } from 'zod'
import { flow } from '../../../runtime/engine/index.js'
import { protocol } from '../../../runtime/protocol/index.js'
import type { ProtocolState } from '../../../runtime/protocol/session/index.js'
import { familyOf } from './family.js'

const KillTalk = protocol('KillTalk', { version: 1, initiator: 'Caller', responder: 'Callee' })
  .send('first', z.string())
  .receive('note', z.string())
  .send('second', z.string())
  .receive('answer', z.string())
  .end()
export const KillTalkFamily = familyOf(KillTalk)

/** What Bob's responder does between receiving 'first' and sending 'note'. */
export type Mode = 'none' | 'sleep' | 'crunch' | 'commit' | 'swallow'

interface Seen {
  caught: unknown[]
  finallyRuns: number
  cleanupRan: boolean
  cleanupError: unknown
  sawKilled: boolean
  swallowedSendError: unknown
  stepError: unknown
}
export const fresh = (): Seen => ({
  caught: [],
  finallyRuns: 0,
  cleanupRan: false,
  cleanupError: undefined,
  sawKilled: false,
  swallowedSendError: undefined,
  stepError: undefined,
})

/**
 * What the scenario does and what the flows saw; tests set `mode` (and `killer`) and read `alice` and `bob`.
 * `killer` is called by the 'commit' mode's step body, with the flow's id, once the step waits for its result to commit.
 */
export const scene: { mode: Mode; killer: ((flowId: string) => void) | undefined; alice: Seen; bob: Seen } = {
  mode: 'none',
  killer: undefined,
  alice: fresh(),
  bob: fresh(),
}

/** Before each test: nothing seen, no mode. */
export function resetScene(): void {
  scene.mode = 'none'
  scene.killer = undefined
  scene.alice = fresh()
  scene.bob = fresh()
}
export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
type S = ProtocolState

export const caller = flow('kill.caller', async (ctx) => {
  try {
    return await KillTalkFamily.initiate(ctx, 'Bob', {
      v1: async (s: S) => {
        const a = await s.send('hi')
        const { next: b } = await a.receive()
        const c = await b.send('more')
        const { payload, next } = await c.receive()
        return next.end(payload.unwrap((v) => v as string))
      },
    })
  } catch (error) {
    scene.alice.caught.push(error)
    throw error
  } finally {
    scene.alice.finallyRuns++
  }
})

export const callee = KillTalkFamily.responder({
  v1: async (s: S, ctx) => {
    try {
      const { next: a } = await s.receive()
      if (scene.mode === 'sleep') await ctx.sleep(60_000)
      if (scene.mode === 'crunch') {
        await ctx.step('crunch', async () => {
          while (!ctx.isKilled) await delay(5)
          scene.bob.sawKilled = true
          return 0
        })
      }
      if (scene.mode === 'commit') {
        await ctx
          .step('commit', () => {
            process.nextTick(() => scene.killer?.(ctx.flowId))
            return 0
          })
          .catch((error: unknown) => {
            scene.bob.stepError = error
            throw error
          })
      }
      if (scene.mode === 'swallow') {
        try {
          await ctx.sleep(60_000)
        } catch (error) {
          scene.bob.caught.push(error)
        }
        try {
          await a.send('after the kill')
        } catch (error) {
          scene.bob.swallowedSendError = error
        }
        return 'carried on'
      }
      const b = await a.send('noted')
      const { next: c } = await b.receive()
      const d = await c.send('done')
      return d.end()
    } catch (error) {
      scene.bob.caught.push(error)
      throw error
    } finally {
      scene.bob.finallyRuns++
      try {
        await ctx.step('cleanup', () => {
          scene.bob.cleanupRan = true
        })
      } catch (error) {
        scene.bob.cleanupError = error
      }
    }
  },
})
