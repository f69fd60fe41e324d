/**
 * node.removeOutcome: a kept outcome (keepFinishedFlows) stays until it is removed. Removing it takes the
 * flow's row and journal, after which resultOf answers as for a flow that never ran and the id is free;
 * false when nothing is kept for the id; refused for a flow that has not finished.
 */
import { afterEach, expect, it } from 'vitest'
import { FlowRunningError, FlowStartError, type Node, flow } from '../../runtime/engine/index.js'
import { Cluster, turns } from './support/cluster.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

const double = flow('double', async (ctx, n: number) => ctx.step('double', () => n * 2))
const sleepsLong = flow('sleeps-long', async (ctx) => {
  await ctx.sleep(3_600_000)
  return 'woke'
})
const flows = [double, sleepsLong]

async function alice(keepFinishedFlows: boolean | 'started'): Promise<Node> {
  cluster = new Cluster()
  return cluster.add('Alice', { flows, keepFinishedFlows })
}

it.each([true, 'started'] as const)('removes a kept outcome for good (keepFinishedFlows: %s), also after a restart', async (keep) => {
  let node = await alice(keep)
  const first = node.startFlow(double, 1, { flowId: 'client-1' })
  const second = node.startFlow(double, 2, { flowId: 'client-2' })
  await Promise.all([first.result, second.result])
  expect(await node.flowStatus('client-1')).toMatchObject({ status: 'done' })

  await expect(node.removeOutcome('client-1')).resolves.toBe(true)
  expect(await node.flowStatus('client-1')).toBeUndefined()
  await expect(node.resultOf('client-1')).rejects.toThrow(FlowStartError)
  await expect(node.resultOf('client-1')).rejects.toThrow('No flow client-1 on Alice')
  await expect(node.removeOutcome('client-1')).resolves.toBe(false)
  expect(await node.tableCounts()).toMatchObject({ flows: 1, journal: keep === true ? 1 : 0 })

  // The id is free again.
  await expect(node.startFlow(double, 5, { flowId: 'client-1' }).result).resolves.toBe(10)

  await node.stop()
  node = await cluster.add('Alice', { flows, keepFinishedFlows: keep })
  await expect(node.resultOf('client-2')).resolves.toBe(4)
  await expect(node.removeOutcome('client-2')).resolves.toBe(true)
  await expect(node.resultOf('client-2')).rejects.toThrow('No flow client-2 on Alice')
})

it('resolves false for an id nothing is kept for', async () => {
  const node = await alice(true)
  await expect(node.removeOutcome('no-such-flow')).resolves.toBe(false)
  const notKept = await cluster.add('Carol', { flows, keepFinishedFlows: false })
  const handle = notKept.startFlow(double, 3)
  await handle.result
  await expect(notKept.removeOutcome(handle.flowId)).resolves.toBe(false)
})

it("refuses a running flow's id, in memory or only in the store, and leaves the flow running", async () => {
  let node = await alice(true)
  const handle = node.startFlow(sleepsLong, undefined, { flowId: 'sleeper' })
  await handle.started
  await turns()
  await expect(node.removeOutcome('sleeper')).rejects.toThrow(FlowRunningError)
  await expect(node.removeOutcome('sleeper')).rejects.toMatchObject({
    code: 'FLOW_RUNNING',
    message: expect.stringContaining('Flow sleeper on Alice has not finished, so it has no outcome to remove'),
  })
  // Evicted or not yet rehydrated after a restart: the store says it is running.
  await node.stop()
  node = await cluster.add('Alice', { flows, keepFinishedFlows: true, evictIdleAfterMs: 0 })
  await turns(20)
  await expect(node.removeOutcome('sleeper')).rejects.toThrow(FlowRunningError)
  expect(await node.flowStatus('sleeper')).toMatchObject({ status: 'running' })
  await expect(node.killFlow('sleeper')).resolves.toBe(true)
  await expect(node.removeOutcome('sleeper')).resolves.toBe(true)
  expect(await node.tableCounts()).toMatchObject({ flows: 0, journal: 0, timers: 0 })
})

it('refuses on a stopped node', async () => {
  const node = await alice(true)
  await node.stop()
  await expect(node.removeOutcome('anything')).rejects.toThrow(FlowStartError)
})
