/**
 * Kills one side after every network step of a two-round flow (so at every suspension point the flows
 * reach), reopens its store and checks the flow completes exactly once: the result is right, every
 * ctx.step side effect ran once, and both stores are empty afterwards. On PostgreSQL (COLLOQUY_TEST_STORE)
 * a commit takes a round trip, so each point costs about a second: there every `stride`-th point is
 * killed, at other offsets for each side, about a dozen per side.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Node } from '../../runtime/engine/index.js'
import { testStoreBackend } from '../support/test-store.js'
import { Cluster, turns } from './support/cluster.js'
import { answerer, asker, effects } from './support/rounds-flows.js'

let cluster: Cluster | undefined
afterEach(async () => {
  await cluster?.stopAll()
  cluster = undefined
})

const expected = (start: number) => 4 * (start + 1) + 100

async function settleUntil(c: Cluster, done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await done()); i++) {
    await c.net.settle()
    if (!(await done())) await new Promise((r) => setTimeout(r, 20))
  }
}

async function scenario(start: number, crashAfterSteps: number, victim: 'Alice' | 'Bob' | null): Promise<{ steps: number }> {
  const c = (cluster = new Cluster({ mode: 'manual' }))
  let alice: Node = await c.add('Alice', { flows: [asker] })
  await c.add('Bob', { responders: [answerer] })
  const handle = alice.startFlow(asker, start)
  let outcome: { value?: unknown; error?: unknown } | undefined
  const record = (p: Promise<unknown>) =>
    p.then(
      (value) => (outcome = { value }),
      (error) => (outcome = { error }),
    )
  void record(handle.result)
  await turns()
  let steps = 0
  while (steps < crashAfterSteps && (await c.net.step())) {
    steps++
    await turns()
  }
  if (victim) {
    const finishedBefore = outcome !== undefined
    const restarted = await c.crashAndRestart(victim)
    if (victim === 'Alice') {
      alice = restarted
      if (!finishedBefore) void record(alice.resultOf(handle.flowId))
    }
  }
  await settleUntil(c, async () => outcome !== undefined && (await c.node('Alice').tableCounts()).outbox + (await c.node('Bob').tableCounts()).outbox === 0)
  expect(outcome).toEqual({ value: expected(start) })
  for (const name of ['Alice', 'Bob']) {
    const rows = await c.node(name).tableCounts()
    expect({ name, ...rows, processed: 0 }).toEqual({ name, flows: 0, journal: 0, sessions: 0, inbox: 0, outbox: 0, processed: 0, timers: 0 })
  }
  expect(effects.get(`asker-double-${start}`)).toBe(1)
  expect(effects.get(`asker-total-${start}`)).toBe(1)
  expect(effects.get(`answerer-plus-${start}`)).toBe(1)
  return { steps }
}

/** A commit is a round trip on PostgreSQL: this test's dozens of restarts need longer there. */
const slow = testStoreBackend === 'postgres' ? 240_000 : undefined

describe('restart at every suspension point', () => {
  it(
    'completes exactly once whichever side is killed after whichever step',
    async () => {
      const { steps: total } = await scenario(1, Number.POSITIVE_INFINITY, null)
      expect(total).toBeGreaterThanOrEqual(8)
      await cluster!.stopAll()
      cluster = undefined
      let start = 10
      const stride = testStoreBackend === 'postgres' ? Math.ceil(total / 12) : 1
      for (const [offset, victim] of (['Alice', 'Bob'] as const).entries()) {
        for (let k = offset % stride; k <= total; k += stride) {
          await scenario(start++, k, victim)
          await cluster!.stopAll()
          cluster = undefined
        }
      }
    },
    slow,
  )
})
