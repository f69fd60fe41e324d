/**
 * Client-provided flow ids (node.startFlow with clientId), the contract of Corda's startFlowWithClientId:
 * a new id starts a flow; the id of a running flow returns its handle (arguments ignored), also for
 * concurrent starts and after a restart; the id of a finished flow returns its result or the error it failed
 * with (same class, type and details), until removeClientId; another owner's ids are invisible.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { FlowKilledError, InvalidFlowArgsError, NodeDrainingError, UnknownFlowError, type Node, flow } from '../../runtime/engine/index.js'
import { FlowException } from '../../runtime/protocol/session/index.js'
import { Cluster, turns } from './support/cluster.js'
import { RoundsFamily } from './support/rounds-flows.js'

let cluster: Cluster
let runs: Map<string, number>
const ran = (key: string) => runs.set(key, (runs.get(key) ?? 0) + 1)

beforeEach(() => {
  runs = new Map()
})
afterEach(async () => cluster?.stopAll())

/** Waits for the event 'go' and returns its label with the argument. */
const gated = flow('gated', z.object({ label: z.string() }), async (ctx, args) => {
  await ctx.step('count', () => ran(args.label))
  const go = await ctx.waitFor('go', z.object({ suffix: z.string() }))
  return go.ok ? `${args.label}${go.value.suffix}` : 'timed out'
})

const quick = flow('quick', z.number(), async (_ctx, n) => {
  ran(`quick-${n}`)
  return n * 2
})

const refuses = flow('refuses', async () => {
  throw RoundsFamily.errors.Refused!.create({ why: 'too small' }, 'Alice refuses to go on')
})

const flows = [gated, quick, refuses]

async function start(spec: { drain?: boolean } = {}): Promise<Node> {
  cluster ??= new Cluster()
  return cluster.add('Alice', { flows, ...spec })
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${String(value)}`)
    },
    (error: unknown) => error,
  )
}

describe('client ids', () => {
  beforeEach(() => {
    cluster = new Cluster()
  })

  it('a running flow is returned for its id, with the second arguments ignored; one flow runs', async () => {
    const alice = await start()
    const first = alice.startFlow(gated, { label: 'a' }, { clientId: 'order-1' })
    expect(first.clientId).toBe('order-1')
    await first.started
    const second = alice.startFlow(gated, { label: 'b' }, { clientId: 'order-1' })
    expect(second.flowId).toBe(first.flowId)
    expect(second.clientId).toBe('order-1')
    await turns()
    expect(await alice.signal(first.flowId, 'go', { suffix: '!' })).toEqual({ status: 'delivered' })
    expect(await second.result).toBe('a!')
    expect(await first.result).toBe('a!')
    expect(runs.get('a')).toBe(1)
    expect(runs.get('b')).toBeUndefined()
  })

  it('concurrent starts with one id in the same turn run one flow', async () => {
    const alice = await start()
    const handles = [1, 2, 3, 4].map((n) => alice.startFlow(quick, n, { clientId: 'same' }))
    expect(new Set(handles.map((h) => h.flowId)).size).toBe(1)
    expect(await Promise.all(handles.map((h) => h.result))).toEqual([2, 2, 2, 2])
    expect([...runs.keys()]).toEqual(['quick-1'])
    expect((await alice.listFlows({ clientId: 'same' })).length).toBe(1)
  })

  it('a finished flow comes back with its result, also after a restart, without running again', async () => {
    let alice = await start()
    const first = alice.startFlow(quick, 21, { clientId: 'q' })
    expect(await first.result).toBe(42)
    const again = alice.startFlow(quick, 1, { clientId: 'q' })
    expect(again.flowId).toBe(first.flowId)
    expect(await again.result).toBe(42)
    await alice.stop()
    alice = await start()
    const afterRestart = alice.startFlow(quick, 2, { clientId: 'q' })
    expect(afterRestart.flowId).toBe(first.flowId)
    expect(await afterRestart.result).toBe(42)
    expect([...runs.keys()]).toEqual(['quick-21'])
  })

  it('a flow that failed with a declared error comes back as that error: class, type and details', async () => {
    let alice = await start()
    const first = alice.startFlow(refuses, undefined, { clientId: 'r' })
    const original = (await failureOf(first.result)) as FlowException
    await alice.stop()
    alice = await start()
    const handle = (await alice.reattachFlow('r'))!
    expect(handle.flowId).toBe(first.flowId)
    const error = await failureOf(handle.result)
    expect(error).toBeInstanceOf(FlowException)
    expect(error).toMatchObject({ errorType: 'Refused', details: { why: 'too small' }, message: original.message })
    expect(RoundsFamily.errors.Refused!.is(error)).toBe(true)
    expect(await failureOf(alice.startFlow(refuses, undefined, { clientId: 'r' }).result)).toBeInstanceOf(FlowException)
  })

  it('a node restart between the start and the reattach: the flow resumes and the reattached handle settles', async () => {
    let alice = await start()
    const first = alice.startFlow(gated, { label: 'x' }, { clientId: 'keep' })
    await first.started
    await turns()
    alice = await cluster.crashAndRestart('Alice')
    const handle = (await alice.reattachFlow('keep'))!
    expect(handle.flowId).toBe(first.flowId)
    expect(handle.clientId).toBe('keep')
    const restarted = alice.startFlow(gated, { label: 'other' }, { clientId: 'keep' })
    expect(restarted.flowId).toBe(first.flowId)
    await alice.signal(first.flowId, 'go', { suffix: '?' })
    expect(await handle.result).toBe('x?')
    expect(await restarted.result).toBe('x?')
    expect(runs.get('x')).toBe(1)
  })

  it('removeClientId: false while running, true once finished; then the id starts a new flow', async () => {
    const alice = await start()
    const first = alice.startFlow(gated, { label: 'r1' }, { clientId: 'rm' })
    await first.started
    expect(await alice.removeClientId('rm')).toBe(false)
    await turns()
    await alice.signal(first.flowId, 'go', { suffix: '' })
    await first.result
    expect(await alice.removeClientId('rm')).toBe(true)
    expect(await alice.removeClientId('rm')).toBe(false)
    expect(await alice.reattachFlow('rm')).toBeNull()
    expect(await alice.flowStatus(first.flowId)).toBeUndefined()
    expect((await alice.tableCounts()).flows).toBe(0)
    const next = alice.startFlow(gated, { label: 'r2' }, { clientId: 'rm' })
    expect(next.flowId).not.toBe(first.flowId)
    await next.started
    expect(runs.get('r2')).toBe(1)
  })

  it('finishedFlowsWithClientIds: true for succeeded, false for failed or killed; running ones are not listed', async () => {
    const alice = await start()
    await alice.startFlow(quick, 1, { clientId: 'ok' }).result
    await failureOf(alice.startFlow(refuses, undefined, { clientId: 'bad' }).result)
    const killed = alice.startFlow(gated, { label: 'k' }, { clientId: 'killed' })
    const running = alice.startFlow(gated, { label: 'r' }, { clientId: 'running' })
    await Promise.all([killed.started, running.started])
    await turns()
    expect(await alice.killFlow(killed.flowId)).toBe(true)
    expect(await failureOf(killed.result)).toBeInstanceOf(FlowKilledError)
    expect(await alice.finishedFlowsWithClientIds()).toEqual({ ok: true, bad: false, killed: false })
    // A killed flow's id answers with the kill, also after a restart.
    await alice.stop()
    const reopened = await start()
    expect(await failureOf(reopened.startFlow(gated, { label: 'k2' }, { clientId: 'killed' }).result)).toBeInstanceOf(FlowKilledError)
    expect(runs.get('k2')).toBeUndefined()
  })

  it("another owner's ids are invisible: its start runs its own flow, reattach is null, remove is false", async () => {
    const alice = await start()
    const mine = alice.startFlow(quick, 5, { clientId: 'shared', owner: 'ann' })
    expect(await mine.result).toBe(10)
    expect(await alice.reattachFlow('shared', 'bob')).toBeNull()
    expect(await alice.removeClientId('shared', 'bob')).toBe(false)
    expect(await alice.finishedFlowsWithClientIds('bob')).toEqual({})
    expect(await alice.finishedFlowsWithClientIds('ann')).toEqual({ shared: true })
    expect(await alice.reattachFlow('shared')).toBeNull() // in process is an owner of its own
    const theirs = alice.startFlow(quick, 6, { clientId: 'shared', owner: 'bob' })
    expect(theirs.flowId).not.toBe(mine.flowId)
    expect(await theirs.result).toBe(12)
    expect((await alice.reattachFlow('shared', 'ann'))!.flowId).toBe(mine.flowId)
    expect((await alice.listFlows({ owner: 'ann' })).map((f) => f.flowId)).toEqual([mine.flowId])
  })

  it('arguments the schema refuses are refused before the id is looked up, and record nothing', async () => {
    const alice = await start()
    expect(() => alice.startFlow(quick, 'three' as unknown as number, { clientId: 'args' })).toThrow(InvalidFlowArgsError)
    expect(await alice.reattachFlow('args')).toBeNull()
    expect((await alice.tableCounts()).flows).toBe(0)
  })

  it('a draining node answers for a known id and refuses a new one', async () => {
    let alice = await start()
    await alice.startFlow(quick, 4, { clientId: 'before' }).result
    await alice.stop()
    alice = await start({ drain: true })
    expect(await alice.startFlow(quick, 9, { clientId: 'before' }).result).toBe(8)
    expect(() => alice.startFlow(quick, 9, { clientId: 'new' })).toThrow(NodeDrainingError)
  })
})

describe('starting flows by name', () => {
  it('starts a registered flow, checks its arguments with its schema, and names the closest flow for an unknown name', async () => {
    cluster = new Cluster()
    const alice = await start()
    expect(alice.flowNames()).toEqual(['gated', 'quick', 'refuses'])
    expect(await alice.startFlowByName('quick', 8).result).toBe(16)
    expect(() => alice.startFlowByName('quick', 'eight')).toThrow(InvalidFlowArgsError)
    expect(() => alice.startFlowByName('quik', 1)).toThrow(UnknownFlowError)
    expect(() => alice.startFlowByName('quik', 1)).toThrow("Node Alice has no flow named 'quik'; did you mean 'quick'?")
    expect(() => alice.startFlowByName('zzzzzzzz', 1)).toThrow('it can start gated, quick, refuses')
    const byId = alice.startFlowByName('quick', 3, { clientId: 'by-name' })
    expect(await byId.result).toBe(6)
    expect((await alice.reattachFlow('by-name'))!.flowId).toBe(byId.flowId)
  })
})
