/**
 * The upgrade of Corda's upgrading document, on an in-memory network: Demo v1 sends the amount as an Int,
 * v2 as a String. Nodes run the builds of support/upgrade-builds.ts ('old' v1, 'new' v1+v2, 'next' v2,
 * 'changed' an edited v1) and are restarted from one build to another with flows in flight.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DemoV1Spec } from '../../generated/demo.js'
import { type FlowEndEvent, NodeDrainingError, RetiredVersionInFlightError } from '../../runtime/engine/index.js'
import type { Envelope } from '../../runtime/network/index.js'
import { type FlowLogger, UnexpectedFlowEndError } from '../../runtime/protocol/session/index.js'
import { Cluster, eventually, sessionsOf } from './support/cluster.js'
import { versionSpec } from './support/family.js'
import { storeSnapshot } from './support/store-snapshot.js'
import { type BuildName, DemoV1Changed, builds, sendAmountFlow } from './support/upgrade-builds.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

/** Flow ends per node, across its restarts. */
const ends = new Map<string, FlowEndEvent[]>()

function deploy(node: string, build: BuildName, extra: { drain?: boolean; logger?: FlowLogger } = {}) {
  const { flows, responders, protocols } = builds[build]
  const seen = ends.get(node) ?? []
  ends.set(node, seen)
  return cluster.add(node, { flows, responders, protocols, onFlowEnd: (e) => seen.push(e), ...extra })
}

function responderResults(node: string) {
  return (ends.get(node) ?? []).filter((e) => e.kind === 'responder').map((e) => (e.ok ? e.result : (e.error as Error).message))
}

const isReply = (e: Envelope) => e.body.t === 'data' && e.body.frame.label === 'reply'

/** Alice runs `aliceBuild`, Bob `bobBuild`; Alice's reply is held so Bob's responder stays in flight. */
async function bobInFlight(aliceBuild: BuildName, bobBuild: BuildName) {
  const alice = await deploy('Alice', aliceBuild)
  await deploy('Bob', bobBuild)
  cluster.net.setFaults({ rule: (e) => (isReply(e) ? 'hold' : undefined) })
  const handle = alice.startFlow(sendAmountFlow(aliceBuild), { peer: 'Bob', amount: 7 })
  await eventually(() => cluster.net.onHold.some(isReply))
  const [flow] = await cluster.node('Bob').unfinishedFlows()
  return { alice, handle, bobFlowId: flow!.id }
}

function letRepliesThrough() {
  cluster.net.setFaults({})
  cluster.net.release()
}

describe('upgrading Demo from v1 to v2', () => {
  afterEach(() => ends.clear())

  it('new and new negotiate v2', async () => {
    cluster = new Cluster()
    const alice = await deploy('Alice', 'new')
    await deploy('Bob', 'new')
    await expect(alice.startFlow(sendAmountFlow('new'), { peer: 'Bob', amount: 5 }).result).resolves.toEqual({
      version: 2,
      name: 'Hello, you sent 5, Bob',
      count: 5,
    })
    await eventually(() => responderResults('Bob').length === 1)
    expect(responderResults('Bob')).toEqual([{ version: 2, amount: 5 }])
  })

  it('an old initiator and a new responder complete on v1, and so do a new initiator and an old responder', async () => {
    cluster = new Cluster()
    const oldNode = await deploy('Alice', 'old')
    const newNode = await deploy('Bob', 'new')
    await expect(oldNode.startFlow(sendAmountFlow('old'), { peer: 'Bob', amount: 3 }).result).resolves.toEqual({
      version: 1,
      name: 'Hello, you sent 3, Bob',
      count: 3,
    })
    await expect(newNode.startFlow(sendAmountFlow('new'), { peer: 'Alice', amount: 4 }).result).resolves.toEqual({
      version: 1,
      name: 'Hello, you sent 4, Bob',
      count: 4,
    })
    await eventually(() => responderResults('Alice').length === 1 && responderResults('Bob').length === 1)
    expect(responderResults('Bob')).toEqual([{ version: 1, amount: 3 }])
    expect(responderResults('Alice')).toEqual([{ version: 1, amount: 4 }])
  })

  it('rejects at the handshake a v1 whose definition changed without a version bump, naming both hashes', async () => {
    cluster = new Cluster()
    const changed = await deploy('Carol', 'changed')
    const newNode = await deploy('Bob', 'new')
    const changedHash = versionSpec(DemoV1Changed).hash
    expect(changedHash).not.toBe(DemoV1Spec.hash)

    const fromChanged = (await changed.startFlow(sendAmountFlow('changed'), { peer: 'Bob', amount: 1 }).result.catch((e: unknown) => e)) as Error
    expect(fromChanged).toBeInstanceOf(UnexpectedFlowEndError)
    expect(fromChanged.message).toContain(
      `Demo v1 is defined differently on the two nodes: the initiator's definition hash is ${changedHash} but Bob's is ${DemoV1Spec.hash}`,
    )
    expect(fromChanged.message).toContain('bump the version number and keep the old version declared')

    // The other way round: v1 is the highest version both declare, and it differs.
    const toChanged = (await newNode.startFlow(sendAmountFlow('new'), { peer: 'Carol', amount: 1 }).result.catch((e: unknown) => e)) as Error
    expect(toChanged).toBeInstanceOf(UnexpectedFlowEndError)
    expect(toChanged.message).toContain(`the initiator's definition hash is ${DemoV1Spec.hash} but Carol's is ${changedHash}`)
    expect(responderResults('Bob')).toEqual([])
    expect(responderResults('Carol')).toEqual([])
  })

  it('a v1 flow in flight survives restarting the responder with the new build and finishes on v1', async () => {
    cluster = new Cluster()
    const { handle, bobFlowId } = await bobInFlight('old', 'old')
    expect((await sessionsOf(cluster.node('Bob'), bobFlowId)).map((s) => s.version)).toEqual([1])
    await cluster.node('Bob').stop()
    const bob = await deploy('Bob', 'new')
    expect(bob.parkedFlows()).toEqual([])
    letRepliesThrough()
    await expect(handle.result).resolves.toEqual({ version: 1, name: 'Hello, you sent 7, Bob', count: 7 })
    await eventually(() => responderResults('Bob').length === 1)
    expect(responderResults('Bob')).toEqual([{ version: 1, amount: 7 }])
    // New work on the upgraded pair negotiates v2.
    await cluster.node('Alice').stop()
    const alice = await deploy('Alice', 'new')
    await expect(alice.startFlow(sendAmountFlow('new'), { peer: 'Bob', amount: 8 }).result).resolves.toMatchObject({ version: 2 })
  })

  it('a build whose v1 changed without a bump refuses to start while a v1 flow is in flight, naming both definitions', async () => {
    cluster = new Cluster()
    const { handle, bobFlowId } = await bobInFlight('old', 'old')
    await cluster.node('Bob').stop()
    const bobFile = join(cluster.dir, 'Bob.db')
    const before = storeSnapshot(bobFile)
    const changedHash = versionSpec(DemoV1Changed).hash

    const refusal = (await deploy('Bob', 'changed').catch((e: unknown) => e)) as RetiredVersionInFlightError
    expect(refusal).toBeInstanceOf(RetiredVersionInFlightError)
    expect(refusal.flows).toEqual([
      expect.objectContaining({ flowId: bobFlowId, version: 1, role: 'responder', changed: { recorded: DemoV1Spec.hash, declared: changedHash } }),
    ])
    expect(refusal.message).toContain(
      `uses Demo v1 as defined when it started (${DemoV1Spec.hash}), but this build defines Demo v1 differently (${changedHash})`,
    )
    expect(storeSnapshot(bobFile)).toEqual(before)

    // The initiator's side is checked the same way, from the versions its open offered.
    await cluster.node('Alice').stop()
    const aliceRefusal = (await deploy('Alice', 'changed').catch((e: unknown) => e)) as RetiredVersionInFlightError
    expect(aliceRefusal).toBeInstanceOf(RetiredVersionInFlightError)
    expect(aliceRefusal.flows).toEqual([expect.objectContaining({ role: 'initiator', changed: { recorded: DemoV1Spec.hash, declared: changedHash } })])

    // With the definitions it started with, the flow finishes.
    await deploy('Bob', 'old')
    await deploy('Alice', 'old')
    letRepliesThrough()
    await expect(cluster.node('Alice').resultOf(handle.flowId)).resolves.toMatchObject({ version: 1, count: 7 })
  })

  it('a build without v1 refuses to start while a v1 flow is in flight, starts in drain mode with it parked, and killFlow clears it', async () => {
    cluster = new Cluster()
    const { handle, bobFlowId } = await bobInFlight('new', 'old')
    await cluster.node('Bob').stop()
    const bobFile = join(cluster.dir, 'Bob.db')
    const before = storeSnapshot(bobFile)

    const refusal = (await deploy('Bob', 'next').catch((e: unknown) => e)) as RetiredVersionInFlightError
    expect(refusal).toBeInstanceOf(RetiredVersionInFlightError)
    expect(refusal.flows).toEqual([
      { flowId: bobFlowId, flowName: 'Demo', kind: 'responder', protocol: 'Demo', version: 1, negotiated: true, role: 'responder', counterparty: 'Alice' },
    ])
    expect(refusal.message).toContain(`Node Bob did not start: 1 flow(s) in flight use protocol versions its code no longer declares, or defines differently:`)
    expect(refusal.message).toContain(`flow ${bobFlowId} ('Demo', responder with Alice) uses Demo v1`)
    expect(refusal.message).toContain('run the previous build with `drain: true`')
    expect(refusal.message).toContain(`node.killFlow(id) for each (${bobFlowId})`)
    expect(storeSnapshot(bobFile)).toEqual(before)

    const warnings: string[] = []
    const bob = await deploy('Bob', 'next', { drain: true, logger: { info() {}, warn: (m) => warnings.push(m), error() {} } })
    expect(warnings).toContain(
      `Flow ${bobFlowId} ('Demo', responder) stays parked in the store of Bob: its responder session with Alice uses Demo v1, which this build does not declare. ` +
        `Finish it by running a build that declares what it needs, or end it with killFlow('${bobFlowId}').`,
    )
    expect(bob.parkedFlows()).toEqual([expect.objectContaining({ flowId: bobFlowId, kind: 'responder' })])
    expect(bob.parkedFlows()[0]!.reason).toContain('uses Demo v1, which this build does not declare')
    await expect(bob.drained).resolves.toEqual({ parked: bob.parkedFlows() })
    expect(() => bob.startFlow(sendAmountFlow('next'), { peer: 'Alice', amount: 1 })).toThrow(NodeDrainingError)

    // Draining, Bob takes no new sessions; the initiator learns why.
    const refused = (await cluster
      .node('Alice')
      .startFlow(sendAmountFlow('new'), { peer: 'Bob', amount: 2 })
      .result.catch((e: unknown) => e)) as Error
    expect(refused).toBeInstanceOf(UnexpectedFlowEndError)
    expect(refused.message).toBe(
      'Bob rejected the Demo session: Bob is draining: it finishes its flows in flight and accepts no new ones; try again after its upgrade.',
    )

    // The parked flow's reply stays with Alice (not acknowledged), and the parked flow is untouched.
    letRepliesThrough()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(cluster.node('Alice').stats.unacknowledged).toBeGreaterThan(0)
    expect(storeSnapshot(bobFile).journal).toEqual(before.journal)
    expect(storeSnapshot(bobFile).inbox).toEqual(before.inbox)

    await expect(bob.killFlow(bobFlowId)).resolves.toBe(true)
    const ended = (await handle.result.catch((e: unknown) => e)) as Error
    expect(ended).toBeInstanceOf(UnexpectedFlowEndError)
    expect(ended.message).toContain("Bob's flow on the Demo session failed")
    expect(bob.parkedFlows()).toEqual([])
    expect(await bob.tableCounts()).toMatchObject({ flows: 0, journal: 0, sessions: 0, inbox: 0, timers: 0 })
    await eventually(() => cluster.node('Alice').stats.unacknowledged === 0 && bob.stats.unacknowledged === 0)
    await expect(bob.killFlow(bobFlowId)).resolves.toBe(false)

    // With nothing left in flight the build without v1 starts normally and speaks v2.
    await bob.stop()
    await deploy('Bob', 'next')
    await expect(cluster.node('Alice').startFlow(sendAmountFlow('new'), { peer: 'Bob', amount: 9 }).result).resolves.toMatchObject({ version: 2, count: 9 })
  })

  it('the upgrade path: drain the old build, then start the build without v1', async () => {
    cluster = new Cluster()
    const { handle } = await bobInFlight('new', 'old')
    await cluster.node('Bob').stop()
    const draining = await deploy('Bob', 'old', { drain: true })
    expect(draining.parkedFlows()).toEqual([])
    letRepliesThrough()
    await expect(handle.result).resolves.toMatchObject({ version: 1, count: 7 })
    await expect(draining.drained).resolves.toEqual({ parked: [] })
    await draining.stop()
    await deploy('Bob', 'next')
    await expect(cluster.node('Alice').startFlow(sendAmountFlow('new'), { peer: 'Bob', amount: 10 }).result).resolves.toMatchObject({ version: 2, count: 10 })
    await eventually(() => responderResults('Bob').length === 2)
    expect(responderResults('Bob')).toEqual([
      { version: 1, amount: 7 },
      { version: 2, amount: 10 },
    ])
  })
})
