/**
 * A kill reaches the flow's own code: the engine call it waits in (or its next one) throws FlowKilledError,
 * so its catch and finally run, while nothing it does after the kill reaches the store or the network.
 * Evicted and parked flows are simply ended; a crashed run never resumes its code.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type FlowEndEvent, FlowKilledError } from '../../runtime/engine/index.js'
import type { Envelope } from '../../runtime/network/index.js'
import { UnexpectedFlowEndError } from '../../runtime/protocol/session/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { KillTalkFamily, type Mode, callee, caller, fresh, resetScene, scene } from './support/kill-flows.js'

let cluster: Cluster
const ends = new Map<string, FlowEndEvent[]>()
/** Labels of every envelope the network was asked to carry (re-sends included). */
let carried: string[] = []
const label = (e: Envelope) => (e.body.t === 'data' ? e.body.frame.label : e.body.t)

beforeEach(() => {
  resetScene()
  cluster = new Cluster()
  cluster.net.setFaults({ rule: (e) => void carried.push(label(e)) })
  carried = []
})
afterEach(async () => {
  await cluster?.stopAll()
  ends.clear()
})

const specs = {
  Alice: { flows: [caller], protocols: [KillTalkFamily] },
  Bob: { responders: [callee] },
}
async function deploy(node: 'Alice' | 'Bob', extra: { evictIdleAfterMs?: number; responders?: []; drain?: boolean } = {}) {
  const seen = ends.get(node) ?? []
  ends.set(node, seen)
  return cluster.add(node, { ...specs[node], onFlowEnd: (e) => seen.push(e), ...extra })
}

/** Starts Alice's caller with Bob's responder in `bobMode`; envelopes labelled `held` stay on the network. */
async function talk(bobMode: Mode, held?: string, bobExtra: { evictIdleAfterMs?: number } = {}) {
  scene.mode = bobMode
  cluster.net.setFaults({
    rule: (e) => {
      carried.push(label(e))
      return label(e) === held ? 'hold' : undefined
    },
  })
  const alice = await deploy('Alice', { evictIdleAfterMs: Number.POSITIVE_INFINITY })
  const bob = await deploy('Bob', { evictIdleAfterMs: Number.POSITIVE_INFINITY, ...bobExtra })
  const handle = alice.startFlow(caller, undefined)
  await eventually(async () => (await bob.unfinishedFlows()).length === 1)
  const [row] = await bob.unfinishedFlows()
  return { alice, bob, handle, bobFlowId: row!.id }
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  )

/** Kills `flowId` on `node`, and checks the kill and the flow's result settle within 5 s. */
async function killWithin5s(node: { killFlow(id: string): Promise<boolean>; resultOf(id: string): Promise<unknown> }, flowId: string) {
  const result = failure(node.resultOf(flowId))
  const t0 = Date.now()
  await expect(node.killFlow(flowId)).resolves.toBe(true)
  const error = await result
  expect(Date.now() - t0).toBeLessThan(5000)
  expect(error).toBeInstanceOf(FlowKilledError)
  return error
}

/** Alice, waiting for Bob, learns that Bob's flow ended. */
async function aliceIsTold(handle: { result: Promise<unknown> }) {
  const seen = await failure(handle.result)
  expect(seen).toBeInstanceOf(UnexpectedFlowEndError)
  expect(seen!.message).toContain("Bob's flow on the KillTalk session failed")
}

describe('a kill reaches the flow in memory', () => {
  it('waiting on a receive: its catch sees the same FlowKilledError its result rejects with, and its finally runs', async () => {
    const { bob, handle, bobFlowId } = await talk('none', 'second')
    await eventually(() => carried.includes('second'))
    const error = await killWithin5s(bob, bobFlowId)
    await eventually(() => scene.bob.finallyRuns === 1)
    expect(scene.bob.caught).toEqual([error])
    expect(error!.message).toBe(`The flow ${bobFlowId} ('KillTalk') was killed on Bob.`)
    // A step in the finally throws the kill again without running.
    expect(scene.bob.cleanupRan).toBe(false)
    expect(scene.bob.cleanupError).toBe(error)
    expect(ends.get('Bob')).toEqual([expect.objectContaining({ flowId: bobFlowId, ok: false, error })])
    await aliceIsTold(handle)
    expect(await bob.tableCounts()).toMatchObject({ flows: 0, journal: 0, sessions: 0 })
  })

  it('sleeping: the sleep rejects and the finally runs', async () => {
    const { bob, handle, bobFlowId } = await talk('sleep')
    await eventually(async () => (await bob.tableCounts()).timers === 1)
    const error = await killWithin5s(bob, bobFlowId)
    await eventually(() => scene.bob.finallyRuns === 1)
    expect(scene.bob.caught).toEqual([error])
    await aliceIsTold(handle)
    expect(await bob.tableCounts()).toMatchObject({ flows: 0, timers: 0 })
  })

  it('running its own code: ctx.isKilled turns true in a step body that polls it, and the step then throws the kill', async () => {
    const { bob, handle, bobFlowId } = await talk('crunch')
    await new Promise((resolve) => setTimeout(resolve, 50))
    const error = await killWithin5s(bob, bobFlowId)
    await eventually(() => scene.bob.finallyRuns === 1)
    expect(scene.bob.sawKilled).toBe(true)
    expect(scene.bob.caught).toEqual([error])
    await aliceIsTold(handle)
  })

  it("waiting on a step's commit: the step throws the kill once its result committed", async () => {
    let killed: Promise<boolean> | undefined
    scene.killer = (flowId) => (killed = cluster.node('Bob').killFlow(flowId))
    scene.mode = 'commit'
    const alice = await deploy('Alice')
    await deploy('Bob')
    const handle = alice.startFlow(caller, undefined)
    await eventually(() => scene.bob.finallyRuns === 1)
    await expect(killed).resolves.toBe(true)
    expect(scene.bob.caught).toEqual([expect.any(FlowKilledError)])
    expect(scene.bob.stepError).toBe(scene.bob.caught[0])
    await aliceIsTold(handle)
  })

  it('swallowing the kill: the flow still ends as killed, and what it sends afterwards is neither journaled nor delivered', async () => {
    const { bob, handle, bobFlowId } = await talk('swallow')
    await eventually(async () => (await bob.tableCounts()).timers === 1)
    const error = await killWithin5s(bob, bobFlowId)
    await eventually(() => scene.bob.finallyRuns === 1)
    expect(scene.bob.caught).toEqual([error])
    expect(scene.bob.swallowedSendError).toBe(error)
    expect(ends.get('Bob')).toEqual([expect.objectContaining({ flowId: bobFlowId, ok: false, error })])
    await aliceIsTold(handle)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(carried).not.toContain('note')
    expect(await bob.tableCounts()).toMatchObject({ flows: 0, journal: 0, outbox: 0 })
  })

  it('waiting on a peer whose node stopped: it ends within 5 s and the peer is told once it runs again', async () => {
    const { bob, alice, handle, bobFlowId } = await talk('none', 'second')
    await eventually(() => carried.includes('second'))
    void handle.result.catch(() => undefined)
    await alice.stop()
    const error = await killWithin5s(bob, bobFlowId)
    await eventually(() => scene.bob.finallyRuns === 1)
    expect(scene.bob.caught).toEqual([error])
    const restarted = await deploy('Alice')
    cluster.net.setFaults({})
    cluster.net.release()
    const seen = await failure(restarted.resultOf(handle.flowId))
    expect(seen).toBeInstanceOf(UnexpectedFlowEndError)
  })

  it('an initiator waiting on a receive: its catch and finally run', async () => {
    const { alice, handle } = await talk('sleep')
    await eventually(() => carried.includes('confirm'))
    const error = await killWithin5s(alice, handle.flowId)
    await eventually(() => scene.alice.finallyRuns === 1)
    expect(scene.alice.caught).toEqual([error])
  })

  it('an initiator waiting on the confirm of a peer whose node stopped: its catch and finally run, and the late init starts nothing', async () => {
    const alice = await deploy('Alice')
    const bob = await deploy('Bob')
    await bob.stop()
    const handle = alice.startFlow(caller, undefined)
    await eventually(() => carried.includes('init'))
    await new Promise((resolve) => setTimeout(resolve, 50))
    const error = await killWithin5s(alice, handle.flowId)
    await eventually(() => scene.alice.finallyRuns === 1)
    expect(scene.alice.caught).toEqual([error])
    const restarted = await deploy('Bob')
    await eventually(async () => alice.stats.unacknowledged === 0 && (await restarted.tableCounts()).processed === 1)
    expect((await restarted.tableCounts()).flows).toBe(0)
  })
})

describe('a kill of a flow not in memory ends it without running its code', () => {
  it('evicted: not rehydrated, its finally does not run, and the peer is told', async () => {
    const { bob, handle, bobFlowId } = await talk('none', 'second', { evictIdleAfterMs: 0 })
    await eventually(() => carried.includes('second') && bob.stats.loaded === 0)
    const rehydrations = bob.stats.rehydrations
    await killWithin5s(bob, bobFlowId)
    expect(bob.stats.rehydrations).toBe(rehydrations)
    await aliceIsTold(handle)
    expect(scene.bob).toEqual(fresh())
  })

  it('parked: its finally does not run, and the peer is told; the run that crashed never resumed', async () => {
    const { handle, bobFlowId } = await talk('none', 'second')
    await eventually(() => carried.includes('second'))
    cluster.node('Bob').crash()
    const bob = await deploy('Bob', { responders: [], drain: true })
    expect(bob.parkedFlows().map((p) => p.flowId)).toEqual([bobFlowId])
    await killWithin5s(bob, bobFlowId)
    await aliceIsTold(handle)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(scene.bob).toEqual(fresh())
  })

  it('a crashed run never resumes its code: no catch, no finally, and the flow finishes after the restart', async () => {
    const { handle } = await talk('none', 'second')
    await eventually(() => carried.includes('second'))
    cluster.node('Bob').crash()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(scene.bob).toEqual(fresh())
    await deploy('Bob')
    cluster.net.setFaults({})
    cluster.net.release()
    await expect(handle.result).resolves.toBe('done')
    expect(scene.bob.caught).toEqual([])
  })
})
