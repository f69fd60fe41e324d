import { afterEach, describe, expect, it } from 'vitest'
import { flow } from '../../runtime/engine/index.js'
import { Cluster } from './support/cluster.js'
import { testNetworkKind } from './support/cluster-network.js'
import { answerer, asker, bump, effects } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

/** A parent flow running the initiating `asker` flow twice as sub-flows, with a step between them. */
const parent = flow('parent', async (ctx, base: number) => {
  const first = await ctx.subFlow(asker, base)
  const middle = await ctx.step('middle', () => (bump(`parent-middle-${base}`), (first as number) + 1))
  const second = await ctx.subFlow(asker, middle as number)
  return [first, second]
})

describe('sub-flows', () => {
  it('open their own sessions under the parent journal and replay after a crash between them', async () => {
    // Envelopes take their time: random delays on the in-memory network, the real ones over TCP and NATS.
    cluster = new Cluster(testNetworkKind === 'memory' ? { faults: { delayMs: [0, 4] } } : {})
    let alice = await cluster.add('Alice', { flows: [parent] })
    await cluster.add('Bob', { responders: [answerer] })
    const { flowId } = alice.startFlow(parent, 7000)
    const firstTotal = 4 * 7001 + 100
    // crash once the first sub-flow finished and its result fed the parent's step
    while (effects.get('parent-middle-7000') !== 1) await new Promise((r) => setTimeout(r, 2))
    await alice.committed() // the step's result is journaled: the crash is at a suspension point
    alice = await cluster.crashAndRestart('Alice')
    const result = await alice.resultOf(flowId)
    expect(result).toEqual([firstTotal, 4 * (firstTotal + 2) + 100])
    expect(effects.get('parent-middle-7000')).toBe(1)
    expect(effects.get('asker-double-7000')).toBe(1)
    expect(effects.get(`asker-double-${firstTotal + 1}`)).toBe(1)
  })
})
