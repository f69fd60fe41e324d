/**
 * Progress of flows on a node: node.progress(flowId) streams the tracker's changes (position, structure,
 * label) with the whole tree once they are durable, from UNSTARTED to DONE, and completes; a late subscriber
 * gets the current state first; a sub-flow's steps nest under the current step; the current step is
 * recorded in the flow's row and survives a restart; node.events carries the same updates.
 */
import { lastValueFrom, toArray } from 'rxjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { FlowNotFoundError, type FlowEvent, type Node, type ProgressUpdate, flow } from '../../runtime/engine/index.js'
import { Cluster, eventually } from './support/cluster.js'

let cluster: Cluster
beforeEach(() => {
  cluster = new Cluster()
})
afterEach(async () => cluster?.stopAll())

/** Moves through its steps, waiting for event `go-<step>` before each. */
const tracked = flow(
  'tracked',
  async (ctx) => {
    for (const step of ['Verifying', 'Signing', 'Finalising']) {
      await ctx.waitFor(`go-${step}`, z.null())
      ctx.progress.currentStep = step
    }
    return 'done'
  },
  { progress: ['Verifying', 'Signing', 'Finalising'] },
)

const notarise = flow('notarise', async (ctx) => {
  ctx.progress.setSteps(['Requesting', 'Checking'])
  ctx.progress.currentStep = 'Requesting'
  await ctx.waitFor('notary', z.null())
  ctx.progress.currentStep = 'Checking'
  return 'notarised'
})

const withSubFlow = flow(
  'with-sub-flow',
  async (ctx) => {
    ctx.progress.currentStep = 'Collecting'
    await ctx.waitFor('collected', z.null())
    ctx.progress.currentStep = 'Notarising'
    const result = await ctx.subFlow(notarise, undefined)
    ctx.progress.relabel('Notarising', 'Notarised')
    return result
  },
  { progress: ['Collecting', 'Notarising'] },
)

const goesBack = flow(
  'goes-back',
  async (ctx) => {
    ctx.progress.currentStep = 'Trying'
    ctx.progress.setChild('Trying', ['Attempt'])
    ctx.progress.child('Trying')!.currentStep = 'Attempt'
    ctx.progress.currentStep = 'Checking'
    await ctx.waitFor('retry', z.null())
    ctx.progress.currentStep = 'Trying'
    await ctx.waitFor('end', z.null())
    throw new Error('gave up')
  },
  { progress: ['Trying', 'Checking'] },
)

const flows = [tracked, notarise, withSubFlow, goesBack]

async function alice(): Promise<Node> {
  return cluster.add('Alice', { flows })
}

const paths = (updates: readonly ProgressUpdate[]) => updates.map((u) => `${u.change}:${u.path.join('/')}`)

async function waits(node: Node, flowId: string, event: string): Promise<void> {
  await eventually(async () => {
    const waiting = (await node.flowStatus(flowId))?.waitingFor
    return waiting?.kind === 'event' && waiting.name === event
  })
}

describe('node.progress', () => {
  it('streams the steps from UNSTARTED to DONE, then completes; node.events carries the same', async () => {
    const node = await alice()
    const events: FlowEvent[] = []
    const sub = node.events.subscribe((event) => events.push(event))
    const handle = node.startFlow(tracked, undefined)
    const all = lastValueFrom(node.progress(handle.flowId).pipe(toArray()))
    for (const step of ['Verifying', 'Signing', 'Finalising']) {
      await waits(node, handle.flowId, `go-${step}`)
      await node.signal(handle.flowId, `go-${step}`, null)
    }
    expect(await handle.result).toBe('done')
    const updates = await all
    expect(paths(updates)).toEqual(['current:UNSTARTED', 'position:Verifying', 'position:Signing', 'position:Finalising', 'position:DONE'])
    expect(updates.at(-1)!.done).toBe(true)
    expect(updates[1]!.tree.steps.map((s) => s.name)).toEqual(['Verifying', 'Signing', 'Finalising'])
    sub.unsubscribe()
    const progressEvents = events.flatMap((e) => (e.type === 'flow-progress' ? [e.progress] : []))
    expect(paths(progressEvents)).toEqual(['structure:UNSTARTED', 'position:Verifying', 'position:Signing', 'position:Finalising', 'position:DONE'])
    expect(events.at(-1)!.type).toBe('flow-ended')
  })

  it('a late subscriber gets the current state first; one after the end gets DONE and completion', async () => {
    const node = await alice()
    const handle = node.startFlow(tracked, undefined, { clientId: 'kept' }) // its outcome and row are kept
    await waits(node, handle.flowId, 'go-Verifying')
    await node.signal(handle.flowId, 'go-Verifying', null)
    await waits(node, handle.flowId, 'go-Signing')
    const late = lastValueFrom(node.progress(handle.flowId).pipe(toArray()))
    await node.signal(handle.flowId, 'go-Signing', null)
    await waits(node, handle.flowId, 'go-Finalising')
    await node.signal(handle.flowId, 'go-Finalising', null)
    await handle.result
    expect(paths(await late)).toEqual(['current:Verifying', 'position:Signing', 'position:Finalising', 'position:DONE'])
    const afterEnd = await lastValueFrom(node.progress(handle.flowId).pipe(toArray()))
    expect(afterEnd).toMatchObject([{ change: 'current', path: ['DONE'], done: true }])
    await expect(lastValueFrom(node.progress('unknown-flow'))).rejects.toThrow(FlowNotFoundError)
  })

  it("a sub-flow's steps nest under the current step, and labels change as the flow says", async () => {
    const node = await alice()
    const handle = node.startFlow(withSubFlow, undefined)
    const all = lastValueFrom(node.progress(handle.flowId).pipe(toArray()))
    await waits(node, handle.flowId, 'collected')
    await node.signal(handle.flowId, 'collected', null)
    await waits(node, handle.flowId, 'notary')
    const status = await node.flowStatus(handle.flowId)
    expect(status?.progress).toEqual(['Notarising', 'Requesting'])
    await node.signal(handle.flowId, 'notary', null)
    expect(await handle.result).toBe('notarised')
    const updates = await all
    expect(paths(updates)).toContain('position:Notarising/Checking')
    expect(paths(updates)).toContain('position:Notarising/DONE')
    expect(paths(updates)).toContain('label:Notarised/DONE')
    const nested = updates.find((u) => u.path.join('/') === 'Notarising/Requesting')!
    expect(nested.tree.steps[1]).toMatchObject({ name: 'Notarising', child: { current: 'Requesting', steps: [{ name: 'Requesting' }, { name: 'Checking' }] } })
    expect(updates.at(-1)).toMatchObject({ path: ['DONE'], done: true })
  })

  it('moving back drops the child trackers of the undone steps; a failed flow ends the stream with `ended`', async () => {
    const node = await alice()
    const handle = node.startFlow(goesBack, undefined)
    const all = lastValueFrom(node.progress(handle.flowId).pipe(toArray()))
    await waits(node, handle.flowId, 'retry')
    await node.signal(handle.flowId, 'retry', null)
    await waits(node, handle.flowId, 'end')
    expect((await node.flowStatus(handle.flowId))?.progress).toEqual(['Trying'])
    await node.signal(handle.flowId, 'end', null)
    await expect(handle.result).rejects.toThrow('gave up')
    const updates = await all
    const back = updates.findIndex((u) => u.change === 'position' && u.path.join('/') === 'Trying' && u.tree.steps[0]!.child === undefined)
    expect(back).toBeGreaterThan(0)
    expect(updates[back - 1]!.change).toBe('structure')
    expect(updates.at(-1)).toMatchObject({ change: 'ended', path: ['Trying'], done: true })
  })

  it('the current step is recorded with the flow and survives a restart', async () => {
    let node = await alice()
    const handle = node.startFlow(tracked, undefined)
    await waits(node, handle.flowId, 'go-Verifying')
    await node.signal(handle.flowId, 'go-Verifying', null)
    await waits(node, handle.flowId, 'go-Signing')
    node = await cluster.crashAndRestart('Alice')
    expect((await node.flowStatus(handle.flowId))?.progress).toEqual(['Verifying'])
    expect((await node.listFlows({ state: 'waiting' })).map((f) => f.progress)).toEqual([['Verifying']])
    const after = lastValueFrom(node.progress(handle.flowId).pipe(toArray()))
    await node.signal(handle.flowId, 'go-Signing', null)
    await waits(node, handle.flowId, 'go-Finalising')
    await node.signal(handle.flowId, 'go-Finalising', null)
    expect(await node.resultOf(handle.flowId)).toBe('done')
    expect(paths(await after)).toEqual(['current:Verifying', 'position:Signing', 'position:Finalising', 'position:DONE'])
  })
})
