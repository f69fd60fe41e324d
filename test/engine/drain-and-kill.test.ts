/**
 * Drain mode (the node finishes its flows in flight and takes no new work) and killFlow (an operator ends
 * a flow; its counterparties learn at their next interaction), on the Demo builds of upgrade-builds.ts.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { type FlowEndEvent, FlowKilledError, NodeDrainingError } from '../../runtime/engine/index.js'
import type { Envelope } from '../../runtime/network/index.js'
import { UnexpectedFlowEndError } from '../../runtime/protocol/session/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { type BuildName, builds, sendAmountFlow } from './support/upgrade-builds.js'

let cluster: Cluster
const ends = new Map<string, FlowEndEvent[]>()
afterEach(async () => {
  await cluster?.stopAll()
  ends.clear()
})

function deploy(node: string, build: BuildName, extra: { drain?: boolean; evictIdleAfterMs?: number; keepFinishedFlows?: boolean } = {}) {
  const seen = ends.get(node) ?? []
  ends.set(node, seen)
  return cluster.add(node, { ...builds[build], onFlowEnd: (e) => seen.push(e), ...extra })
}

const label = (e: Envelope) => (e.body.t === 'data' ? e.body.frame.label : e.body.t)
const hold = (match: (e: Envelope) => boolean) => cluster.net.setFaults({ rule: (e) => (match(e) ? 'hold' : undefined) })
const releaseAll = () => {
  cluster.net.setFaults({})
  cluster.net.release()
}
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as Error,
  )

describe('drain mode', () => {
  it('finishes the flows in flight, refuses new ones from both sides, and then reports drained', async () => {
    cluster = new Cluster()
    const alice = await deploy('Alice', 'new')
    await deploy('Bob', 'new')
    hold((e) => label(e) === 'reply')
    const inFlight = alice.startFlow(sendAmountFlow('new'), { peer: 'Bob', amount: 3 })
    await eventually(() => cluster.net.onHold.length > 0)
    await cluster.node('Bob').stop()
    const bob = await deploy('Bob', 'new', { drain: true })

    expect(() => bob.startFlow(sendAmountFlow('new'), { peer: 'Alice', amount: 1 })).toThrow(
      "Node Bob is draining: it finishes its flows in flight and starts no new ones, so 'demo.send-amount' was not started. Start it once the node runs without drain mode.",
    )
    expect(() => bob.startFlow(sendAmountFlow('new'), { peer: 'Alice', amount: 1 })).toThrow(NodeDrainingError)
    const refused = await failure(alice.startFlow(sendAmountFlow('new'), { peer: 'Bob', amount: 4 }).result)
    expect(refused).toBeInstanceOf(UnexpectedFlowEndError)
    expect(refused!.message).toContain('Bob is draining: it finishes its flows in flight and accepts no new ones; try again after its upgrade')

    let drained = false
    void bob.drained.then(() => (drained = true))
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(drained).toBe(false) // the first flow still waits for the reply
    releaseAll()
    await expect(inFlight.result).resolves.toMatchObject({ version: 2, count: 3 })
    await expect(bob.drained).resolves.toEqual({ parked: [] })
    expect((await bob.tableCounts()).flows).toBe(0)
  })

  it('drained rejects on a node that does not drain, or that stops first', async () => {
    cluster = new Cluster()
    const normal = await deploy('Alice', 'new')
    await expect(normal.drained).rejects.toThrow('Node Alice does not run in drain mode, so it never drains; open it with drain: true')
    await deploy('Bob', 'new')
    hold((e) => label(e) === 'reply')
    normal.startFlow(sendAmountFlow('new'), { peer: 'Bob', amount: 3 })
    await eventually(() => cluster.net.onHold.length > 0)
    await cluster.node('Bob').stop()
    const bob = await deploy('Bob', 'new', { drain: true })
    await bob.stop()
    await expect(bob.drained).rejects.toThrow('Node Bob stopped before it drained; open it again with drain: true')
  })
})

describe('killFlow', () => {
  async function responderWaitingForReply(bobExtra: { evictIdleAfterMs?: number; keepFinishedFlows?: boolean } = {}) {
    cluster = new Cluster()
    const alice = await deploy('Alice', 'new')
    const bob = await deploy('Bob', 'new', bobExtra)
    hold((e) => label(e) === 'reply')
    const handle = alice.startFlow(sendAmountFlow('new'), { peer: 'Bob', amount: 5 })
    await eventually(() => cluster.net.onHold.length > 0)
    const [row] = await bob.unfinishedFlows()
    return { alice, bob, handle, bobFlowId: row!.id }
  }

  it('ends a flow waiting in memory: its result rejects, the counterparty fails at its next receive, its rows go', async () => {
    const { alice, bob, handle, bobFlowId } = await responderWaitingForReply({ evictIdleAfterMs: Number.POSITIVE_INFINITY })
    expect(bob.stats.loaded).toBe(1)
    const bobResult = bob.resultOf(bobFlowId)
    await expect(bob.killFlow(bobFlowId)).resolves.toBe(true)
    const killed = await failure(bobResult)
    expect(killed).toBeInstanceOf(FlowKilledError)
    expect(killed!.message).toBe(`The flow ${bobFlowId} ('Demo') was killed on Bob.`)
    expect(ends.get('Bob')).toEqual([expect.objectContaining({ flowId: bobFlowId, kind: 'responder', ok: false, error: killed })])
    expect(bob.stats.loaded).toBe(0)
    expect(await bob.tableCounts()).toMatchObject({ flows: 0, journal: 0, sessions: 0, inbox: 0 })

    // Alice sent her reply and waits for the result: she learns there that Bob's flow ended.
    const seen = await failure(handle.result)
    expect(seen).toBeInstanceOf(UnexpectedFlowEndError)
    expect(seen!.message).toContain("Bob's flow on the Demo session failed")
    releaseAll()
    await eventually(() => alice.stats.unacknowledged === 0 && bob.stats.unacknowledged === 0)
    expect((await bob.tableCounts()).flows).toBe(0)
    await expect(bob.killFlow(bobFlowId)).resolves.toBe(false)
    await expect(bob.killFlow('no-such-flow')).resolves.toBe(false)
  })

  it('ends an evicted flow without loading it, and keeps its outcome when finished flows are kept', async () => {
    const { bob, handle, bobFlowId } = await responderWaitingForReply({ evictIdleAfterMs: 0, keepFinishedFlows: true })
    await eventually(() => bob.stats.loaded === 0)
    const rehydrations = bob.stats.rehydrations
    await expect(bob.killFlow(bobFlowId)).resolves.toBe(true)
    expect(bob.stats.rehydrations).toBe(rehydrations)
    await expect(failure(handle.result)).resolves.toBeInstanceOf(UnexpectedFlowEndError)
    await expect(bob.resultOf(bobFlowId)).rejects.toMatchObject({ name: 'FlowKilledError', message: `The flow ${bobFlowId} ('Demo') was killed on Bob.` })
    expect(await bob.tableCounts()).toMatchObject({ flows: 1, sessions: 0, inbox: 0 })
  })

  it('ends an initiator whose init has not arrived: the late init starts nothing', async () => {
    cluster = new Cluster()
    const alice = await deploy('Alice', 'old')
    const bob = await deploy('Bob', 'new')
    hold((e) => e.body.t === 'init')
    const handle = alice.startFlow(sendAmountFlow('old'), { peer: 'Bob', amount: 1 })
    await eventually(() => cluster.net.onHold.length > 0)
    await expect(alice.killFlow(handle.flowId)).resolves.toBe(true)
    await expect(failure(handle.result)).resolves.toBeInstanceOf(FlowKilledError)
    expect(await alice.tableCounts()).toMatchObject({ flows: 0, sessions: 0, journal: 0 })
    // The error frame reaches Bob first (the init is held): Bob records the init as answered.
    await eventually(async () => (await bob.tableCounts()).processed === 1 && alice.stats.unacknowledged === 0)
    releaseAll()
    await eventually(() => cluster.net.pending === 0)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect((await bob.tableCounts()).flows).toBe(0)
    expect(ends.get('Bob')).toEqual([])
  })

  it('ends an initiator whose init arrived but whose confirm did not: the responder fails at its next receive', async () => {
    cluster = new Cluster()
    const alice = await deploy('Alice', 'old')
    const bob = await deploy('Bob', 'new')
    hold((e) => e.body.t === 'confirm')
    const handle = alice.startFlow(sendAmountFlow('old'), { peer: 'Bob', amount: 1 })
    await eventually(async () => cluster.net.onHold.length > 0 && (await bob.tableCounts()).flows === 1)
    await expect(alice.killFlow(handle.flowId)).resolves.toBe(true)
    await eventually(() => (ends.get('Bob') ?? []).length === 1)
    const [bobEnd] = ends.get('Bob')!
    expect(bobEnd!.ok).toBe(false)
    expect(bobEnd!.error).toBeInstanceOf(UnexpectedFlowEndError)
    expect((await bob.tableCounts()).flows).toBe(0)
    releaseAll()
    await eventually(() => alice.stats.unacknowledged === 0 && bob.stats.unacknowledged === 0)
  })
})
