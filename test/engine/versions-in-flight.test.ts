/**
 * A flow keeps the protocol version it negotiated (or offered) across restarts and across upgrades of the
 * node's code, and a node whose code no longer declares such a version refuses to start.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Demo, type DemoV1Alice_Handler } from '../../generated/demo.js'
import { type FlowEndEvent, FlowStartError, RetiredVersionInFlightError, flow } from '../../runtime/engine/index.js'
import type { Envelope } from '../../runtime/network/index.js'
import { Cluster, eventually, sessionsOf } from './support/cluster.js'
import { storeSnapshot } from './support/store-snapshot.js'
import { type BuildName, DemoOld, builds, sendAmountFlow } from './support/upgrade-builds.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

const seen: Envelope[] = []
const bobEnds: FlowEndEvent[] = []
afterEach(() => {
  seen.length = 0
  bobEnds.length = 0
})

function deploy(node: string, build: BuildName, flows = builds[build].flows) {
  const { responders, protocols } = builds[build]
  return cluster.add(node, { flows, responders, protocols, onFlowEnd: (e) => node === 'Bob' && bobEnds.push(e) })
}

/** Holds what `hold` matches and records every envelope. */
function watch(hold: (e: Envelope) => boolean) {
  cluster.net.setFaults({ rule: (e) => (seen.push(e), hold(e) ? 'hold' : undefined) })
}

function release() {
  cluster.net.setFaults({ rule: (e) => (seen.push(e), undefined) })
  cluster.net.release()
}

const label = (e: Envelope) => (e.body.t === 'data' ? e.body.frame.label : e.body.t)

/** The first action of the v1 handler is a step that never returns until `prepared` is set: the session is open, nothing sent. */
let prepared = false
const slowStart = (family: 'old' | 'new') =>
  flow('demo.slow-start', async (ctx, amount: number) => {
    const v1: DemoV1Alice_Handler<{ version: number; count: number }> = async (s, c) => {
      await c.step('prepare', () => (prepared ? 'ready' : new Promise<string>(() => {})))
      const { next } = await (await s.send(amount)).receive()
      const { payload, next: end } = await (await next.send('thanks')).receive()
      return end.end({ version: 1, count: payload.unwrap((r) => r.count) })
    }
    if (family === 'old') return DemoOld.initiate(ctx, 'Bob', { v1 })
    return Demo.initiate(ctx, 'Bob', {
      v1,
      v2: async (s) => {
        const { next } = await (await s.send(String(amount))).receive()
        const { payload, next: end } = await (await next.send('thanks')).receive()
        return end.end({ version: 2, count: payload.unwrap((r) => r.count) })
      },
    })
  })

const slowOld = slowStart('old')
const slowNew = slowStart('new')

describe('protocol versions of flows in flight', () => {
  it('an initiator session opened with v1 and not yet used resumes on v1 under code that declares v1 and v2', async () => {
    cluster = new Cluster()
    prepared = false
    watch(() => false)
    const alice = await deploy('Alice', 'old', [slowOld])
    await deploy('Bob', 'new')
    const { flowId } = alice.startFlow(slowOld, 6)
    await eventually(async () => (await sessionsOf(alice, flowId)).length === 1)
    expect((await sessionsOf(alice, flowId))[0]).toMatchObject({ version: 1, status: 'opening' })
    expect(seen).toEqual([]) // one version on offer: the init waits for the first send

    prepared = true
    const upgraded = await cluster.crashAndRestart('Alice', { flows: [slowNew], protocols: builds.new.protocols })
    await expect(upgraded.resultOf(flowId)).resolves.toEqual({ version: 1, count: 6 })
    const init = seen.find((e) => e.body.t === 'init')!
    expect(init.body).toMatchObject({ versions: [{ version: 1 }] })
    await eventually(() => bobEnds.length === 1)
    expect(bobEnds[0]!.result).toEqual({ version: 1, amount: 6 })
  })

  it('a session awaiting its handshake blocks a build that lacks a version it offered, and resumes under one that has them', async () => {
    cluster = new Cluster()
    watch((e) => e.body.t === 'confirm')
    const alice = await deploy('Alice', 'new')
    await deploy('Bob', 'new')
    const { flowId } = alice.startFlow(sendAmountFlow('new'), { peer: 'Bob', amount: 2 })
    await eventually(() => cluster.net.onHold.length > 0)
    expect((await sessionsOf(alice, flowId))[0]).toMatchObject({ version: null, status: 'opening' })
    alice.crash()
    const file = join(cluster.dir, 'Alice.db')
    const before = storeSnapshot(file)

    const refusal = (await deploy('Alice', 'next').catch((e: unknown) => e)) as RetiredVersionInFlightError
    expect(refusal).toBeInstanceOf(RetiredVersionInFlightError)
    expect(refusal.flows).toEqual([
      { flowId, flowName: 'demo.send-amount', kind: 'started', protocol: 'Demo', version: 1, negotiated: false, role: 'initiator', counterparty: 'Bob' },
    ])
    expect(refusal.message).toContain(`flow ${flowId} ('demo.send-amount', initiator with Bob) offered Demo v1 and awaits the handshake`)
    expect(storeSnapshot(file)).toEqual(before)

    const resumed = await deploy('Alice', 'new')
    release()
    await expect(resumed.resultOf(flowId)).resolves.toEqual({ version: 2, name: 'Hello, you sent 2, Bob', count: 2 })
  })

  it('refuses to start on either side while a flow in flight uses a version the code dropped, and changes nothing', async () => {
    cluster = new Cluster()
    watch((e) => label(e) === 'reply')
    const alice = await deploy('Alice', 'old')
    await deploy('Bob', 'old')
    const { flowId } = alice.startFlow(sendAmountFlow('old'), { peer: 'Bob', amount: 1 })
    await eventually(() => cluster.net.onHold.length === 1)
    const [bobFlow] = await cluster.node('Bob').unfinishedFlows()
    await alice.stop()
    await cluster.node('Bob').stop()
    const aliceFile = join(cluster.dir, 'Alice.db')
    const bobFile = join(cluster.dir, 'Bob.db')
    const before = [storeSnapshot(aliceFile), storeSnapshot(bobFile)]

    const initiatorSide = (await deploy('Alice', 'next').catch((e: unknown) => e)) as RetiredVersionInFlightError
    expect(initiatorSide.flows).toEqual([
      expect.objectContaining({ flowId, role: 'initiator', protocol: 'Demo', version: 1, negotiated: true, counterparty: 'Bob' }),
    ])
    // A build with no Demo responder at all no longer declares any Demo version.
    const responderSide = (await cluster.add('Bob', { responders: [] }).catch((e: unknown) => e)) as RetiredVersionInFlightError
    expect(responderSide).toBeInstanceOf(RetiredVersionInFlightError)
    expect(responderSide.flows).toEqual([expect.objectContaining({ flowId: bobFlow!.id, role: 'responder', version: 1, counterparty: 'Alice' })])
    expect([storeSnapshot(aliceFile), storeSnapshot(bobFile)]).toEqual(before)

    // The builds that declare v1 finish the flow.
    const resumed = await deploy('Alice', 'new')
    await deploy('Bob', 'new')
    release()
    await expect(resumed.resultOf(flowId)).resolves.toMatchObject({ version: 1, count: 1 })
  })

  it('with a protocols list, a flow may open sessions only of the versions listed', async () => {
    cluster = new Cluster()
    const alice = await cluster.add('Alice', { flows: builds.new.flows, protocols: builds.old.protocols })
    await deploy('Bob', 'new')
    const error = (await alice.startFlow(sendAmountFlow('new'), { peer: 'Bob', amount: 1 }).result.catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(FlowStartError)
    expect(error.message).toBe(
      "Flow 'demo.send-amount' opened a Demo session offering v2, which the node's `protocols` option does not list; add the generated Demo object to NodeOptions.protocols so the node knows, at its next start, which versions its flows in flight need.",
    )
    expect((await alice.tableCounts()).sessions).toBe(0)
  })

  it('Demo.only narrows a protocol to some of its versions, and names what it declares otherwise', () => {
    expect(DemoOld.versions.map((v) => v.table.version)).toEqual([1])
    expect(Demo.only(1, 2).versions.map((v) => v.table.version)).toEqual([1, 2])
    // Both are refused at compile time too (only() takes declared versions, at least one); the run-time check
    // is for callers without the generated types.
    // @ts-expect-error 3 is not a version Demo declares
    expect(() => Demo.only(3)).toThrow('Demo.only(3): Demo does not declare v3; it declares v1, v2.')
    // @ts-expect-error only() needs at least one version
    expect(() => Demo.only()).toThrow('Demo.only(): name at least one version; it declares v1, v2.')
  })
})
