/**
 * A flow whose replay fails every time (its code changed while it was in flight) is replayed once more,
 * then kept for observation with NonDeterminismError recorded, while the node completes its other flows;
 * a restart with the code the flow started with completes it.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { flow } from '../../../runtime/engine/index.js'
import { type TestCluster, createTestCluster } from '../../../runtime/testing/index.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.stop()
  cluster = undefined
})

const original = flow('reserve', async (ctx) => {
  await ctx.step('reserve', () => 'r-1')
  await ctx.sleep(60_000)
  return 'reserved'
})
const changed = flow('reserve', async (ctx) => {
  await ctx.step('charge', () => 'c-1')
  await ctx.sleep(60_000)
  return 'charged'
})
const other = flow('other', async (ctx) => {
  await ctx.sleep(1000)
  return ctx.step('work', () => 'other done')
})

describe('a flow failing on every replay', () => {
  it('is kept for observation and the node keeps completing other flows', async () => {
    cluster = await createTestCluster({ nodes: { Alice: { flows: [original, other] } } })
    const { flowId } = cluster.node('Alice').startFlow(original, undefined)
    await cluster.advanceTime(1000)
    cluster.crash('Alice')
    const alice = await cluster.restart('Alice', { flows: [changed, other] })
    await cluster.advanceTime(1000)
    const report = await alice.hospital.show(flowId)
    expect(report).toMatchObject({ state: 'observed', admissions: 2 })
    expect(report?.history.map((a) => [a.staff, a.decision, a.error.code])).toEqual([
      ['replay-failure', 'retry', 'NON_DETERMINISM'],
      ['replay-failure', 'observe', 'NON_DETERMINISM'],
    ])
    expect(report?.history[1]?.error.message).toContain("the journal recorded step 'reserve' but the replay asked to step 'charge'")
    const results = [1, 2, 3].map(() => alice.startFlow(other, undefined).result)
    await cluster.advanceTime(2000)
    expect(await Promise.all(results)).toEqual(['other done', 'other done', 'other done'])
    // The code it started with comes back: the kept flow resumes on restart and finishes.
    cluster.crash('Alice')
    const fixed = await cluster.restart('Alice', { flows: [original, other] })
    const result = fixed.resultOf(flowId)
    await cluster.advanceTime(61_000)
    expect(await result).toBe('reserved')
    expect(await fixed.hospital.list()).toEqual([])
  })
})
