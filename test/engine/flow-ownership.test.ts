/**
 * The ownership port (runtime/engine/flow-ownership.ts) on real nodes (SQLite, the in-memory network):
 * a worker forwards a message for a flow another worker owns, and the sender's outbox learns it was
 * taken only after the hand-over; such a flow is never loaded here (not by the message, a signal or a
 * kill: those are asked of its owner, whose answer or error the caller gets); a worker opening on a store rebuilds nothing until it adopts flows, and adopting replays them,
 * arms their timers and sends again what they sent and no one acknowledged.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { FlowNotFoundError, flow } from '../../runtime/engine/index.js'
import type { Envelope } from '../../runtime/network/wire.js'
import { decode, encode } from '../../runtime/store/codec.js'
import { Cluster, eventually } from './support/cluster.js'
import { PairFamily, adder, expectedTotal, giver } from './support/pair-flows.js'
import { TestOwnership } from './support/test-ownership.js'

let cluster: Cluster
afterEach(async () => {
  await cluster.stopAll()
})

const label = (envelope: Envelope) => (envelope.body.t === 'data' && envelope.body.frame.kind === 'data' ? envelope.body.frame.label : undefined)

const napper = flow('napper', async (ctx) => {
  await ctx.sleep(300)
  return 'rested'
})

describe('flow ownership', () => {
  it('forwards a message for a flow another worker owns, and it is acknowledged only once handed over', async () => {
    cluster = new Cluster({ parties: ['Alice', 'Bob'], faults: { rule: (envelope) => (label(envelope) === 'c' ? 'hold' : undefined) } })
    const ownership = new TestOwnership()
    const alice = await cluster.add('Alice', { flows: [giver], protocols: [PairFamily] })
    const bob = await cluster.add('Bob', { responders: [adder], evictIdleAfterMs: 0, ownership })
    const result = alice.startFlow(giver, 3).result
    await eventually(() => cluster.net.onHold.length === 1 && bob.stats.loaded === 0) // the responder waits for c, evicted
    const rehydrations = bob.stats.rehydrations
    const [responder] = await bob.listFlows()
    ownership.elsewhere.add(responder!.flowId)
    cluster.net.setFaults({})
    cluster.net.release()
    await eventually(() => ownership.forwarded.length === 1 && alice.stats.unacknowledged === 0)
    expect(ownership.forwarded[0]!.flowId).toBe(responder!.flowId)
    expect(label(ownership.forwarded[0]!.envelope)).toBe('c')
    expect(bob.stats.rehydrations).toBe(rehydrations) // not loaded here
    // A signal and a kill are asked of the owner; the caller gets what the owner answers, error included.
    const signalled = bob.signal(responder!.flowId, 'nudge', 1)
    const killed = bob.killFlow(responder!.flowId)
    await eventually(() => ownership.asked.length === 2)
    expect(ownership.asked.map((a) => [a.flowId, decode<{ op: string }>(a.request).op])).toEqual([
      [responder!.flowId, 'signal'],
      [responder!.flowId, 'kill'],
    ])
    ownership.asked[0]!.answered(encode({ ok: false, error: { code: 'FLOW_NOT_FOUND', name: 'FlowNotFoundError', message: 'not waiting' } }))
    ownership.asked[1]!.answered(encode({ ok: true, value: false }))
    await expect(signalled).rejects.toBeInstanceOf(FlowNotFoundError)
    expect(await killed).toBe(false)
    await expect(bob.signal(responder!.flowId, '', 1)).rejects.toThrow(/needs an event name/) // checked before anything is asked
    expect(ownership.asked).toHaveLength(2)
    expect(bob.stats.rehydrations).toBe(rehydrations)
    // The flow comes to this worker (its owner died): it adopts the flow and takes the forwarded message.
    ownership.elsewhere.delete(responder!.flowId)
    await ownership.node!.adopt([responder!.flowId])
    await ownership.node!.deliver(ownership.forwarded[0]!.envelope)
    expect(await result).toBe(expectedTotal(3))
    await eventually(async () => (await bob.tableCounts()).flows === 0)
  })

  it('opens a worker without rebuilding anything; adopting replays the flows, re-sends their outbox and arms their timers', async () => {
    let dropSum = true
    cluster = new Cluster({
      parties: ['Alice', 'Bob'],
      faults: { rule: (envelope) => (label(envelope) === 'sum' && dropSum ? 'drop' : undefined) },
    })
    const alice = await cluster.add('Alice', { flows: [giver], protocols: [PairFamily] })
    const bob = await cluster.add('Bob', { responders: [adder], flows: [napper] })
    const total = alice.startFlow(giver, 4).result
    const nap = bob.startFlow(napper, undefined)
    const napId = nap.flowId
    await eventually(async () => cluster.net.stats.dropped >= 1 && (await bob.listFlows()).length === 2) // the sum was sent (and lost)
    // Bob's worker process dies with the sum unacknowledged and the nap's timer pending; its flows belong to
    // it until another worker claims them.
    const flowIds = (await bob.listFlows()).map((f) => f.flowId)
    const ownership = new TestOwnership()
    for (const id of flowIds) ownership.elsewhere.add(id)
    const worker = await cluster.crashAndRestart('Bob', { responders: [adder], flows: [napper], ownership })
    await new Promise((resolve) => setTimeout(resolve, 500)) // past the nap's 300 ms
    expect(worker.stats.loaded).toBe(0) // nothing rebuilt, the timer not armed
    expect(ownership.forwarded.filter((f) => label(f.envelope) === 'c')).toEqual([]) // Alice never got the sum
    dropSum = false // from here only a copy the adoption sends can reach Alice
    expect((await worker.listFlows()).map((f) => f.flowId).sort()).toEqual([...flowIds].sort())
    // Claimed for this worker: adopted, and handed what was forwarded meanwhile.
    ownership.elsewhere.clear()
    const rested = worker.resultOf(napId)
    await ownership.node!.adopt(flowIds)
    for (const { envelope } of ownership.forwarded) await ownership.node!.deliver(envelope)
    expect(await total).toBe(expectedTotal(4))
    expect(await rested).toBe('rested')
    await eventually(async () => (await worker.tableCounts()).flows === 0)
  })

  it('sends again, when asked, the unacknowledged messages of flows that ended and that no one is sending', async () => {
    let dropEnd = true
    cluster = new Cluster({
      parties: ['Alice', 'Bob'],
      faults: { rule: (envelope) => (envelope.body.t === 'end' && envelope.from === 'Alice' && dropEnd ? 'drop' : undefined) },
    })
    await cluster.add('Alice', { flows: [giver], protocols: [PairFamily] })
    await cluster.add('Bob', { responders: [adder] })
    expect(await cluster.node('Alice').startFlow(giver, 6).result).toBe(expectedTotal(6))
    // Alice's worker dies with its end message unacknowledged; the next worker does not send it at open.
    const ownership = new TestOwnership()
    const alice = await cluster.crashAndRestart('Alice', { flows: [giver], protocols: [PairFamily], ownership })
    dropEnd = false
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await alice.tableCounts()).outbox).toBe(1)
    await ownership.node!.resendOrphans()
    await eventually(async () => (await alice.tableCounts()).outbox === 0)
  })

  it('tells the ownership of acknowledgements for messages this process was not sending', async () => {
    cluster = new Cluster({ parties: ['Alice', 'Bob'] })
    const ownership = new TestOwnership()
    const alice = await cluster.add('Alice', { flows: [giver], protocols: [PairFamily], ownership })
    await cluster.add('Bob', { responders: [adder] })
    expect(await alice.startFlow(giver, 5).result).toBe(expectedTotal(5))
    // Only the init's: the confirm answered it before its acknowledgement came. Every frame's was for a message it was sending.
    expect(ownership.acknowledgements).toHaveLength(1)
    expect(ownership.acknowledgements[0]).toMatch(/\/init$/)
    await eventually(() => alice.stats.unacknowledged === 0)
    ownership.node!.acknowledged('no-such-message') // another worker's: nothing here to forget
    expect(alice.stats.unacknowledged).toBe(0)
  })
})
