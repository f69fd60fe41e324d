import { afterEach, describe, expect, it } from 'vitest'
import { NonDeterminismError, flow } from '../../runtime/engine/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { failOnReplayDeviation } from './support/hospital.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

describe('non-determinism detection', () => {
  it('fails a flow whose replay makes a different call than its journal recorded, naming flow, step and both actions', async () => {
    const original = flow('charge-card', async (ctx) => {
      await ctx.step('reserve', () => 'r-1')
      await ctx.sleep(60_000)
      return 'done'
    })
    const changed = flow('charge-card', async (ctx) => {
      await ctx.step('charge', () => 'c-1')
      await ctx.sleep(60_000)
      return 'done'
    })
    cluster = new Cluster()
    const node = await cluster.add('Alice', { flows: [original] })
    const { flowId, started } = node.startFlow(original, undefined)
    await started
    await eventually(async () => (await node.tableCounts()).timers === 1) // journaled up to its sleep
    // The reopened node fails the flow while it replays at open, which may be before createNode returns
    // (PostgreSQL over NATS): its outcome is kept so that resultOf finds it whenever it is asked.
    const reopened = await cluster.crashAndRestart('Alice', { flows: [changed], hospital: failOnReplayDeviation, keepFinishedFlows: true })
    const error = (await reopened.resultOf(flowId).catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(NonDeterminismError)
    expect(error.message).toContain(`Flow 'charge-card' (${flowId}) on Alice deviated from its journal at action 1 of the flow`)
    expect(error.message).toContain("the journal recorded step 'reserve' but the replay asked to step 'charge'")
    expect(await reopened.unfinishedFlows()).toEqual([])
    expect(await reopened.removeOutcome(flowId)).toBe(true)
    expect((await reopened.tableCounts()).flows).toBe(0)
  })

  it('fails a flow whose replay ends before reaching actions its journal recorded', async () => {
    const original = flow('two-steps', async (ctx) => {
      await ctx.step('a', () => 1)
      await ctx.step('b', () => 2)
      await ctx.sleep(60_000)
    })
    const shorter = flow('two-steps', async (ctx) => {
      await ctx.step('a', () => 1)
    })
    cluster = new Cluster()
    const node = await cluster.add('Alice', { flows: [original] })
    const { flowId } = node.startFlow(original, undefined)
    await eventually(async () => (await node.tableCounts()).timers === 1) // journaled up to its sleep
    // The reopened node fails the flow while it replays at open, which may be before createNode returns
    // (PostgreSQL over NATS): its outcome is kept so that resultOf finds it whenever it is asked.
    const reopened = await cluster.crashAndRestart('Alice', { flows: [shorter], hospital: failOnReplayDeviation, keepFinishedFlows: true })
    await expect(reopened.resultOf(flowId)).rejects.toThrow(/finished its replay without reaching 2 journaled action\(s\), first step 'b' at #1/)
  })
})
