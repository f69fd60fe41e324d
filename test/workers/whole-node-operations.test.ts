/**
 * Whole-node operations on worker processes of one node (runtime/engine/flow-requests.ts,
 * runtime/workers/worker-requests.ts): a signal, a kill, a hospital retry or kill asked of a worker that does
 * not run the flow is carried out by the worker that does, and the caller gets that worker's answer or its
 * error; a flow's status and a patient's state asked of any worker are what the worker running it knows; a
 * result awaited on one worker settles when the flow ends on another; a signal for a flow whose worker died
 * is delivered by the worker that takes it over. Real PostgreSQL, two Bob workers in this process.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { FlowKilledError, FlowNotFoundError, HospitalizeFlowError, InvalidSignalError, flow } from '../../runtime/engine/index.js'
import { eventually } from '../engine/support/cluster.js'
import { WorkerNodes } from './support/worker-nodes.js'

let nodes: WorkerNodes
beforeEach(async () => {
  nodes = await WorkerNodes.create()
})
afterEach(async () => {
  await nodes.stopAll()
})

const approve = flow('approve', async (ctx) => {
  const answer = await ctx.waitFor('approval', z.object({ by: z.string() }))
  return answer.ok ? `approved by ${answer.value.by}` : 'timed out'
})

let verifications = 0
/** Kept for observation at its first attempt; verified when retried. */
const verify = flow('verify', async (ctx) => {
  await ctx.step('load', () => 1)
  if (++verifications === 1) throw new HospitalizeFlowError('attachment 7 is missing; upload it and retry')
  return 'verified'
})

/** Kept for observation at every attempt. */
const stuck = flow('stuck', async (ctx) => {
  await ctx.step('load', () => 1)
  throw new HospitalizeFlowError('attachment 8 is missing')
})

const options = { flows: [approve, verify, stuck], keepFinishedFlows: true as const }

async function waitingForApproval(node: { flowStatus(id: string): Promise<{ waitingFor?: { kind: string } } | undefined> }, flowId: string) {
  await eventually(async () => (await node.flowStatus(flowId))?.waitingFor?.kind === 'event')
}

describe('operations asked of a worker that does not run the flow', () => {
  it('a signal is delivered by the worker running the flow; its refusals come back as they are', async () => {
    const b1 = await nodes.worker(options)
    const b2 = await nodes.worker(options)
    const started = b1.node.startFlow(approve, undefined)
    await started.started
    const awaited = b2.node.resultOf(started.flowId) // on the other worker: settles when the flow ends on b1
    await waitingForApproval(b2.node, started.flowId) // what b1 knows of its flow in memory, asked through b2
    const [asked, answered] = [b2.ownership.stats.asked, b1.ownership.stats.answered]
    await expect(b2.node.signal(started.flowId, 'approval', { by: 7 })).rejects.toBeInstanceOf(InvalidSignalError)
    expect(await b2.node.signal(started.flowId, 'approval', { by: 'Carol' })).toEqual({ status: 'delivered' })
    expect(await started.result).toBe('approved by Carol')
    expect(await awaited).toBe('approved by Carol')
    expect(b2.ownership.stats.asked - asked).toBe(2)
    expect(b1.ownership.stats.answered - answered).toBe(2)
    // The flow finished: no worker runs it, and the worker asked says so itself.
    await expect(b2.node.signal(started.flowId, 'approval', { by: 'Dave' })).rejects.toBeInstanceOf(FlowNotFoundError)
    expect(await nodes.rows('flow_requests')).toBe(0)
  })

  it('a kill is carried out by the worker running the flow, once', async () => {
    const b1 = await nodes.worker(options)
    const b2 = await nodes.worker(options)
    const started = b1.node.startFlow(approve, undefined)
    await waitingForApproval(b1.node, started.flowId)
    const awaited = b2.node.resultOf(started.flowId)
    expect(await b2.node.killFlow(started.flowId)).toBe(true)
    await expect(started.result).rejects.toBeInstanceOf(FlowKilledError)
    await expect(awaited).rejects.toBeInstanceOf(FlowKilledError)
    expect(await b2.node.killFlow(started.flowId)).toBe(false)
    expect(await b1.node.killFlow(started.flowId)).toBe(false)
    expect(await nodes.rows('flow_requests')).toBe(0)
  })

  it("the hospital's retry and kill reach the worker that keeps the patient", async () => {
    const b1 = await nodes.worker(options)
    const b2 = await nodes.worker(options)
    verifications = 0
    const patient = b1.node.startFlow(verify, undefined)
    const hopeless = b1.node.startFlow(stuck, undefined)
    const healthy = b1.node.startFlow(approve, undefined)
    await eventually(async () => (await b2.node.hospital.list()).length === 2)
    expect((await b2.node.hospital.list()).map((entry) => entry.state)).toEqual(['observed', 'observed'])
    expect((await b2.node.flowStatus(patient.flowId))?.hospital).toBe('observed')
    await waitingForApproval(b2.node, healthy.flowId)
    const answered = b1.ownership.stats.answered
    expect(await b2.node.hospital.retry(healthy.flowId)).toBe(false) // not a patient: the worker running it says so
    expect(await b2.node.hospital.retry(patient.flowId)).toBe(true)
    expect(await patient.result).toBe('verified')
    expect(await b2.node.hospital.kill(hopeless.flowId)).toBe(true)
    await expect(hopeless.result).rejects.toBeInstanceOf(FlowKilledError)
    expect(b1.ownership.stats.answered - answered).toBe(3)
    expect(await b2.node.hospital.retry(hopeless.flowId)).toBe(false) // gone: answered without asking anyone
    expect(b1.ownership.stats.answered - answered).toBe(3)
  })

  it('a signal for a flow whose worker died is delivered once another worker took the flow over', async () => {
    const b1 = await nodes.worker(options)
    const b2 = await nodes.worker(options)
    const started = b1.node.startFlow(approve, undefined)
    await waitingForApproval(b1.node, started.flowId)
    const crashedAt = Date.now()
    b1.node.crash() // as kill -9 leaves it: its lease (1 s) runs out, then b2 claims its flows
    expect((await b2.node.flowStatus(started.flowId))?.status).toBe('running') // a read the dead worker does not answer: the store does
    expect(Date.now() - crashedAt).toBeLessThan(900)
    expect(await b2.node.signal(started.flowId, 'approval', { by: 'Erin' })).toEqual({ status: 'delivered' })
    expect(b2.ownership.stats.adopted).toBe(1) // answered by b2 once it took the flow over
    expect(await b2.node.resultOf(started.flowId)).toBe('approved by Erin')
    expect(await nodes.rows('flow_requests')).toBe(0)
  })
})
