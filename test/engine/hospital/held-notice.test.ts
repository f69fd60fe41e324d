/**
 * The initiator of a session init the responder's hospital holds is told so: a `held` notice, recorded on its
 * session (row status 'held' with the reason, through restarts) and shown in what its flow waits for. The
 * init is still answered later (a restart with the responder installed, or an operator's reject) and the
 * initiator goes on as before; copies and notices overtaken by the answer change nothing, and a peer that
 * never takes the notice (a build without the kind) still gets its init answered.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { type SessionAction, flow } from '../../../runtime/engine/index.js'
import { describeWaitingFor } from '../../../runtime/engine/waiting-for.js'
import type { Envelope } from '../../../runtime/network/index.js'
import { type TestCluster, createTestCluster } from '../../../runtime/testing/index.js'
import { type BobSaw, ask, doubler } from './patients.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.stop()
  cluster = undefined
})

const isHeld = (envelope: Envelope) => envelope.body.t === 'held'
const asker = flow('asker-told', async (ctx) => (await ask(ctx, 8)).answer)

describe('an initiator whose init the responder holds', () => {
  it('is told it is held, keeps that through a restart, and completes once the responder is installed', async () => {
    const saw: BobSaw = { questions: [], ended: undefined }
    cluster = await createTestCluster({ nodes: { Alice: { flows: [asker] }, Bob: {} } })
    const actions: SessionAction[] = []
    cluster.node('Alice').events.subscribe((event) => event.type === 'session-action' && actions.push(event.action))
    const { flowId } = cluster.node('Alice').startFlow(asker, undefined)
    await cluster.advanceTime(5000)
    expect(actions.filter((a) => a.action === 'held')).toEqual([
      expect.objectContaining({ flowId, role: 'initiator', counterparty: 'Bob', protocol: 'Ask', label: null, reason: expect.stringContaining('Ask') }),
    ])
    const waiting = (await cluster.node('Alice').flowStatus(flowId))?.waitingFor
    expect(waiting).toMatchObject({ kind: 'handshake', party: 'Bob', protocol: 'Ask', held: { reason: expect.stringContaining('Ask') } })
    expect(describeWaitingFor(waiting!)).toMatch(/^Bob's answer to a Ask session \(held by Bob's flow hospital: .+\)$/)
    expect((await cluster.node('Alice').unfinishedFlows())[0]?.sessions).toEqual([{ peer: 'Bob', protocol: 'Ask', version: 1, status: 'held' }])

    cluster.crash('Alice')
    const alice = await cluster.restart('Alice')
    await cluster.advanceTime(1000)
    expect((await alice.flowStatus(flowId))?.waitingFor).toMatchObject({ kind: 'handshake', held: { reason: expect.stringContaining('Ask') } })

    cluster.crash('Bob')
    const bob = await cluster.restart('Bob', { responders: [doubler(saw)] })
    const result = alice.resultOf(flowId)
    await cluster.advanceTime(5000)
    expect(await result).toBe(16)
    expect(saw.questions).toEqual([8])
    expect(await bob.hospital.heldInits()).toEqual([])
    expect((await bob.tableCounts()).outbox).toBe(0)
  })

  it('gets the rejection when an operator rejects the held init', async () => {
    cluster = await createTestCluster({ nodes: { Alice: { flows: [asker] }, Bob: {} } })
    const { flowId, result } = cluster.node('Alice').startFlow(asker, undefined)
    const outcome = result.catch((error: unknown) => error)
    await cluster.advanceTime(5000)
    expect((await cluster.node('Alice').flowStatus(flowId))?.waitingFor).toMatchObject({ held: {} })
    const [held] = await cluster.node('Bob').hospital.heldInits()
    expect(await cluster.node('Bob').hospital.rejectSessionInit(held!.id)).toBe(true)
    await cluster.advanceTime(5000)
    expect(String(await outcome)).toContain('an operator of Bob rejected the held session')
    expect(await cluster.node('Alice').tableCounts()).toMatchObject({ flows: 0, sessions: 0, outbox: 0 })
  })

  it('ignores copies of the notice and a notice that comes after the confirm', async () => {
    const saw: BobSaw = { questions: [], ended: undefined }
    let late = false
    // Every notice arrives twice; once `late` is set the re-sent ones are held back and delivered after the confirm.
    cluster = await createTestCluster({
      nodes: { Alice: { flows: [] }, Bob: {} },
      network: { faults: { rule: (e) => (isHeld(e) ? (late ? 'hold' : 'duplicate') : undefined) } },
    })
    const lingering = flow('asker-lingering', async (ctx) => {
      const { answer } = await ask(ctx, 5)
      await ctx.sleep(60_000)
      return answer
    })
    cluster.crash('Alice')
    const alice = await cluster.restart('Alice', { flows: [lingering] })
    const held: SessionAction[] = []
    alice.events.subscribe((event) => event.type === 'session-action' && event.action.action === 'held' && held.push(event.action))
    const { flowId } = alice.startFlow(lingering, undefined)
    await cluster.advanceTime(100)
    expect((await alice.flowStatus(flowId))?.waitingFor).toMatchObject({ kind: 'handshake', held: {} })
    expect(cluster.network.stats.duplicated).toBeGreaterThan(0)
    expect(held).toHaveLength(1) // the copy changed nothing

    late = true
    cluster.crash('Bob')
    await cluster.restart('Bob', { responders: [doubler(saw)] })
    await cluster.advanceTime(1000)
    expect((await alice.flowStatus(flowId))?.waitingFor).toMatchObject({ kind: 'timer' })
    expect(cluster.network.onHold.length).toBeGreaterThan(0) // sent again before Bob restarted, never delivered
    cluster.network.release()
    await cluster.advanceTime(1000)
    expect((await alice.flowStatus(flowId))?.waitingFor).toMatchObject({ kind: 'timer' })
    expect((await alice.unfinishedFlows())[0]?.sessions[0]?.status).toBe('open')
    expect(held).toHaveLength(1) // nor did the notice after the confirm
    const result = alice.resultOf(flowId)
    await cluster.advanceTime(60_000)
    expect(await result).toBe(10)
  })

  it('still gets its init answered when the notice never arrives (a peer on a build without it)', async () => {
    const saw: BobSaw = { questions: [], ended: undefined }
    cluster = await createTestCluster({ nodes: { Alice: { flows: [asker] }, Bob: {} }, network: { faults: { rule: (e) => (isHeld(e) ? 'drop' : undefined) } } })
    const { flowId, result } = cluster.node('Alice').startFlow(asker, undefined)
    await cluster.advanceTime(5000)
    expect((await cluster.node('Alice').flowStatus(flowId))?.waitingFor).toEqual({ kind: 'handshake', party: 'Bob', protocol: 'Ask' })
    expect((await cluster.node('Bob').tableCounts()).outbox).toBe(1) // the notice, sent again until acknowledged
    cluster.crash('Bob')
    const bob = await cluster.restart('Bob', { responders: [doubler(saw)] })
    await cluster.advanceTime(5000)
    expect(await result).toBe(16)
    expect((await bob.tableCounts()).outbox).toBe(0) // answered: the notice is no longer sent
  })
})
