/**
 * The seed two-party trade from examples/ between two nodes (seller initiates, buyer responds, the
 * inlined CollectSignatures runs on the same session), with each side killed after each network step
 * (on PostgreSQL, where each costs about a second, after every `stride`-th step, about a dozen per side).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { type FlowEndEvent, flow } from '../../runtime/engine/index.js'
import { type TradeOffer, buyAsset, sellAsset } from '../../examples/two-party-trade-flows.js'
import { testStoreBackend } from '../support/test-store.js'
import { Cluster, turns } from './support/cluster.js'

let cluster: Cluster | undefined
afterEach(async () => {
  await cluster?.stopAll()
  cluster = undefined
})

const offer: TradeOffer = {
  price: { quantity: 100, currency: 'GBP' },
  asset: { ref: { txId: 'issue-1', index: 0 }, description: 'a fine painting', owner: 'Alice' },
}
const sell = flow('sell-asset', async (ctx, buyer: string) => sellAsset(ctx, buyer, offer))
const buyer = buyAsset({ maxPrice: 150, wants: 'painting' })

async function trade(crashAfter: number, victim: 'Alice' | 'Bob' | null) {
  const c = (cluster = new Cluster({ mode: 'manual' }))
  const bobEnds: FlowEndEvent[] = []
  const bobSpec = { responders: [buyer], onFlowEnd: (e: FlowEndEvent) => bobEnds.push(e) }
  let alice = await c.add('Alice', { flows: [sell] })
  await c.add('Bob', bobSpec)
  const handle = alice.startFlow(sell, 'Bob')
  let outcome: { value?: unknown; error?: unknown } | undefined
  const record = (p: Promise<unknown>) =>
    p.then(
      (value) => (outcome = { value }),
      (error) => (outcome = { error }),
    )
  void record(handle.result)
  await turns()
  let steps = 0
  while (steps < crashAfter && (await c.net.step())) {
    steps++
    await turns()
  }
  if (victim) {
    const done = outcome !== undefined
    const reopened = await c.crashAndRestart(victim, victim === 'Bob' ? bobSpec : undefined)
    if (victim === 'Alice') {
      alice = reopened
      if (!done) void record(alice.resultOf(handle.flowId))
    }
  }
  for (let i = 0; i < 200; i++) {
    await c.net.settle()
    const quiet = (await c.node('Alice').tableCounts()).outbox + (await c.node('Bob').tableCounts()).outbox === 0
    if (outcome && quiet) break
    await new Promise((r) => setTimeout(r, 20))
  }
  return { outcome, steps, bobEnds, c }
}

/** A commit is a round trip on PostgreSQL: this test's dozens of restarts need longer there. */
const slow = testStoreBackend === 'postgres' ? 240_000 : undefined

describe('seed trade flow with crashes', () => {
  it(
    'completes exactly once when either side is killed after any step',
    async () => {
      const clean = await trade(Number.POSITIVE_INFINITY, null)
      const tx = (clean.outcome as { value: { id: string; signatures: { signer: string }[] } }).value
      expect(tx.signatures.map((s) => s.signer).sort()).toEqual(['Alice', 'Bob'])
      const total = clean.steps
      expect(total).toBeGreaterThanOrEqual(6)
      await cluster!.stopAll()
      cluster = undefined
      const stride = testStoreBackend === 'postgres' ? Math.ceil(total / 12) : 1
      for (const [offset, victim] of (['Alice', 'Bob'] as const).entries()) {
        for (let k = 1 + (offset % stride); k < total; k += stride) {
          const { outcome, bobEnds, c } = await trade(k, victim)
          expect(outcome, `${victim} killed after step ${k}`).toEqual({ value: tx })
          // the buyer's flow completed once, across both lives of Bob's node
          expect(bobEnds.filter((e) => e.ok)).toHaveLength(1)
          for (const name of ['Alice', 'Bob']) {
            expect(await c.node(name).tableCounts()).toMatchObject({ flows: 0, journal: 0, sessions: 0, inbox: 0, outbox: 0, timers: 0 })
          }
          await cluster!.stopAll()
          cluster = undefined
        }
      }
    },
    slow,
  )
})
