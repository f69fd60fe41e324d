import { afterEach, describe, expect, it } from 'vitest'
import { flow } from '../../runtime/engine/index.js'
import type { ProtocolState } from '../../runtime/protocol/session/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { RoundsFamily, answerer, asker, bump, effects } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

type S = ProtocolState

/** Answers after a durable pause, so both sides sit idle meanwhile. */
const slowAnswerer = RoundsFamily.responder({
  v1: async (s: S, ctx) => {
    const { payload, next } = await s.receive()
    const n = payload.unwrap((v) => v as number)
    await ctx.sleep(150)
    const plus = await ctx.step('plus', () => (bump(`slow-plus-${n}`), n + 1))
    const { payload: q2, next: n2 } = await (await next.send(plus)).receive()
    return (await n2.send(q2.unwrap((v) => v as number) + 100)).end()
  },
})

describe('eviction of idle flows', () => {
  it('drops waiting flows from memory and rebuilds them by replay when a message or timer arrives', async () => {
    cluster = new Cluster()
    const alice = await cluster.add('Alice', { flows: [asker], evictIdleAfterMs: 0 })
    const bob = await cluster.add('Bob', { responders: [slowAnswerer], evictIdleAfterMs: 0 })
    const handles = [1, 2, 3].map((n) => alice.startFlow(asker, 900 + n))
    // Evicted, not merely not loaded yet (a store that cannot tell an id is free at once starts flows a moment later).
    await eventually(() => alice.stats.evictions >= 3 && bob.stats.evictions >= 3 && alice.stats.loaded === 0 && bob.stats.loaded === 0, 2000)
    expect(alice.stats.evictions).toBeGreaterThanOrEqual(3)
    expect(bob.stats.evictions).toBeGreaterThanOrEqual(3)
    const results = await Promise.all(handles.map((h) => h.result))
    expect(results).toEqual([901, 902, 903].map((n) => 4 * (n + 1) + 100))
    expect(alice.stats.rehydrations).toBeGreaterThanOrEqual(3)
    expect(bob.stats.rehydrations).toBeGreaterThanOrEqual(3)
    for (const n of [901, 902, 903]) {
      expect(effects.get(`slow-plus-${n}`)).toBe(1)
      expect(effects.get(`asker-double-${n}`)).toBe(1)
    }
  })

  it('keeps flows in memory while they are busy', async () => {
    cluster = new Cluster()
    const alice = await cluster.add('Alice', { flows: [asker], evictIdleAfterMs: 0 })
    await cluster.add('Bob', { responders: [answerer] })
    const busy = flow('busy', async (ctx) => ctx.step('work', () => new Promise((r) => setTimeout(() => r('worked'), 100))))
    const handle = alice.startFlow(busy, undefined)
    await new Promise((r) => setTimeout(r, 50))
    expect(alice.stats.loaded).toBe(1)
    await expect(handle.result).resolves.toBe('worked')
  })
})
