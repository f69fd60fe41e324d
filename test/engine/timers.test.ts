import { afterEach, describe, expect, it } from 'vitest'
import { flow } from '../../runtime/engine/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { bump, effects } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

const napper = flow('napper', async (ctx, ms: number) => {
  const before = await ctx.step('before', () => (bump('nap-before'), Date.now()))
  await ctx.sleep(ms)
  return Date.now() - before
})

describe('durable timers', () => {
  it('ctx.sleep survives a crash and counts from when it first started', async () => {
    cluster = new Cluster()
    const node = await cluster.add('Alice', { flows: [napper] })
    const { flowId } = node.startFlow(napper, 300)
    await new Promise((r) => setTimeout(r, 100))
    expect((await node.tableCounts()).timers).toBe(1)
    const reopened = await cluster.crashAndRestart('Alice')
    const elapsed = (await reopened.resultOf(flowId)) as number
    expect(elapsed).toBeGreaterThanOrEqual(300)
    expect(elapsed).toBeLessThan(600)
    expect(effects.get('nap-before')).toBe(1)
    expect(await reopened.tableCounts()).toMatchObject({ flows: 0, timers: 0, journal: 0 })
  })

  it('a timer already due when the node reopens fires at once', async () => {
    // A 500 ms sleep, due while the node is down: it fires at once after the reopen, not 500 ms after it
    // (the margin leaves room for a store that commits over the network on a loaded machine).
    cluster = new Cluster()
    const node = await cluster.add('Alice', { flows: [napper] })
    const { flowId, started } = node.startFlow(napper, 500)
    await started
    await eventually(async () => (await node.tableCounts()).timers === 1)
    node.crash()
    await new Promise((r) => setTimeout(r, 600))
    const reopened = await cluster.add('Alice', { flows: [napper] })
    const t0 = Date.now()
    await reopened.resultOf(flowId)
    expect(Date.now() - t0).toBeLessThan(500)
  })
})
