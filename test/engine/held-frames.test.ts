/**
 * Frames an initiator sends before the peer confirmed its session wait for the confirm. They must not
 * depend on the flow staying in memory: an evicted flow's held frames leave when the confirm arrives (no
 * restart needed), and a rejected session's frames leave the outbox and the store.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { FlowEndEvent } from '../../runtime/engine/index.js'
import type { Envelope } from '../../runtime/network/index.js'
import { UnexpectedFlowEndError } from '../../runtime/protocol/index.js'
import { type TestCluster, createTestCluster } from '../../runtime/testing/index.js'
import { adder, expectedTotal, giver } from './support/pair-flows.js'
import { rejectUnknownInits } from './support/hospital.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.stop()
  cluster = undefined
})

/** What `promise` settled with by now, or 'pending' (a hung flow fails the test at once instead of timing out). */
async function settledWith(promise: Promise<unknown>): Promise<unknown> {
  let outcome: unknown = 'pending'
  void promise.then(
    (value) => (outcome = value),
    (error: unknown) => (outcome = error),
  )
  await new Promise((resolve) => setImmediate(resolve))
  return outcome
}

describe('frames held for the confirm', () => {
  it('leave when the confirm reaches an evicted flow: sent twice before the first receive, peer down, no restart', async () => {
    cluster = await createTestCluster({
      nodes: { Alice: { flows: [giver], evictIdleAfterMs: 0, redeliverAfterMs: 1000 }, Bob: { responders: [adder] } },
    })
    const alice = cluster.node('Alice')
    cluster.crash('Bob')
    const handle = alice.startFlow(giver, 7)
    await cluster.advanceTime(3000)
    // The flow waits for the confirm in its first receive, out of memory; both frames are in the outbox.
    expect(alice.stats).toMatchObject({ loaded: 0, evictions: 1 })
    expect((await alice.tableCounts()).outbox).toBe(2)
    await cluster.restart('Bob')
    await cluster.advanceTime(5000)
    expect(await settledWith(handle.result)).toBe(expectedTotal(7))
    expect(cluster.node('Alice')).toBe(alice)
    await cluster.advanceTime(1000)
    await alice.committed() // acknowledged rows leave with the next commit
    expect((await alice.tableCounts()).outbox).toBe(0)
  })

  it('are re-sent on the re-delivery timer, like every message of an evicted flow, when the first copies are lost', async () => {
    const seen = new Set<string>()
    // Every message's first copy is lost; both nodes stay up, so only the re-delivery timer sends again.
    const rule = (envelope: Envelope) => (seen.has(envelope.id) ? undefined : (seen.add(envelope.id), 'drop' as const))
    cluster = await createTestCluster({
      network: { faults: { rule } },
      nodes: { Alice: { flows: [giver], evictIdleAfterMs: 0, redeliverAfterMs: 1000 }, Bob: { responders: [adder], evictIdleAfterMs: 0 } },
    })
    const alice = cluster.node('Alice')
    const handle = alice.startFlow(giver, 7)
    await cluster.advanceTime(20_000)
    expect(await settledWith(handle.result)).toBe(expectedTotal(7))
    expect(alice.stats.evictions).toBeGreaterThanOrEqual(3)
    expect(alice.stats.rehydrations).toBeGreaterThanOrEqual(3)
    expect(cluster.node('Alice')).toBe(alice)
  })

  it('leave the outbox and the store when the peer rejects the session of an evicted flow', async () => {
    cluster = await createTestCluster({
      nodes: { Alice: { flows: [giver], evictIdleAfterMs: 0, redeliverAfterMs: 1000 }, Bob: { hospital: rejectUnknownInits } },
    })
    const alice = cluster.node('Alice')
    cluster.crash('Bob')
    const handle = alice.startFlow(giver, 7)
    const outcome = handle.result.catch((error: unknown) => error)
    await cluster.advanceTime(3000)
    expect(alice.stats).toMatchObject({ loaded: 0, evictions: 1 })
    await cluster.restart('Bob')
    await cluster.advanceTime(5000)
    expect(await settledWith(outcome)).toBeInstanceOf(UnexpectedFlowEndError)
    await cluster.advanceTime(1000)
    await alice.committed()
    expect(await alice.tableCounts()).toMatchObject({ flows: 0, sessions: 0, outbox: 0 })
    expect(alice.stats.unacknowledged).toBe(0)
  })

  it('leave the outbox and the store when the peer rejects the session of a flow in memory', async () => {
    cluster = await createTestCluster({
      nodes: { Alice: { flows: [giver], redeliverAfterMs: 1000 }, Bob: { hospital: rejectUnknownInits } },
    })
    const alice = cluster.node('Alice')
    const outcome = alice.startFlow(giver, 7).result.catch((error: unknown) => error)
    await cluster.advanceTime(3000)
    expect(await settledWith(outcome)).toBeInstanceOf(UnexpectedFlowEndError)
    expect(await alice.tableCounts()).toMatchObject({ flows: 0, sessions: 0, outbox: 0 })
  })

  it.each(['after', 'while'] as const)('never leave once their flow is killed, also when the confirm arrives %s the kill completes', async (when) => {
    const bobEnds: FlowEndEvent[] = []
    const sent: Envelope[] = []
    const rule = (envelope: Envelope) => {
      sent.push(envelope)
      return envelope.body.t === 'confirm' ? 'hold' : undefined
    }
    cluster = await createTestCluster({
      network: { faults: { rule } },
      nodes: { Alice: { flows: [giver], redeliverAfterMs: 1000 }, Bob: { responders: [adder], onFlowEnd: (e) => bobEnds.push(e) } },
    })
    const alice = cluster.node('Alice')
    const handle = alice.startFlow(giver, 7)
    void handle.result.catch(() => undefined)
    await cluster.settle()
    expect(cluster.network.onHold).toHaveLength(1)
    if (when === 'after') expect(await alice.killFlow(handle.flowId)).toBe(true)
    const killing = when === 'while' ? alice.killFlow(handle.flowId) : undefined
    cluster.network.release()
    await cluster.advanceTime(5000)
    if (killing) expect(await killing).toBe(true)
    // Bob's responder got the first frame with the init, then the error of the kill: never the held second frame.
    expect(bobEnds).toHaveLength(1)
    expect(bobEnds[0]!.ok).toBe(false)
    expect(bobEnds[0]!.error).toBeInstanceOf(UnexpectedFlowEndError)
    // Frame 0 went with the init; the held frame 1 never went out, not even after the kill's error frame.
    expect(sent.filter((e) => e.body.t === 'data')).toEqual([])
    await alice.committed()
    expect((await alice.tableCounts()).outbox).toBe(0)
  })
})
