/**
 * Nodes over NATS that stop and start again mid-flow (node stopped, connection closed: what a dead process
 * leaves): what was sent to a node that is down waits in the stream, what a stopped node had not committed
 * is delivered again, and every flow finishes with each step run once.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { answerer, asker, effects } from '../engine/support/rounds-flows.js'
import { eventually } from '../transport/support/tcp-cluster.js'
import { NatsCluster, expectEachStepOnce } from './support/nats-cluster.js'
import { sleep } from './support/recording.js'

let cluster: NatsCluster | undefined
afterEach(async () => {
  await cluster?.stopAll()
  cluster = undefined
})

/** A node's redelivery timer far in the future: what arrives comes from the stream, not from re-sends. */
const noTimerResend = { redeliverAfterMs: 600_000 }

describe('nodes over NATS restarted mid-flow', () => {
  it('the receiver goes down after answering; the flows finish once it is back, each step once', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    await c.up('Bob', { responders: [answerer] })
    const alice = await c.up('Alice', { flows: [asker], ...noTimerResend })
    const starts = Array.from({ length: 10 }, (_, i) => 7000 + i)
    const results = Promise.all(starts.map((n) => alice.startFlow(asker, n).result))
    await eventually(() => starts.some((n) => effects.get(`answerer-plus-${n}`) === 1), 20_000, "Bob's first steps")
    await c.down('Bob')
    await sleep(300)
    const bob = await c.up('Bob')
    expect(await results).toEqual(starts.map((n) => 4 * n + 104))
    await eventually(async () => (await alice.tableCounts()).outbox + (await bob.tableCounts()).outbox === 0, 20_000, 'empty outboxes')
    expectEachStepOnce(starts)
  })

  it('the initiator goes down mid-flow and resumes its flows from its store', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const bob = await c.up('Bob', { responders: [answerer] })
    let alice = await c.up('Alice', { flows: [asker] })
    const starts = Array.from({ length: 10 }, (_, i) => 8000 + i)
    const ids = starts.map((n) => alice.startFlow(asker, n).flowId)
    await eventually(() => starts.some((n) => effects.get(`asker-double-${n}`) === 1), 20_000, "Alice's first steps")
    await c.down('Alice')
    await sleep(300)
    alice = await c.up('Alice')
    expect(await Promise.all(ids.map((id) => alice.resultOf(id)))).toEqual(starts.map((n) => 4 * n + 104))
    await eventually(async () => (await alice.tableCounts()).outbox + (await bob.tableCounts()).outbox === 0, 20_000, 'empty outboxes')
    expectEachStepOnce(starts)
  })

  it('a node that is down at the start gets the init from the stream when it first comes up', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    await c.up('Bob', { responders: [answerer] })
    await c.down('Bob')
    const alice = await c.up('Alice', { flows: [asker], ...noTimerResend })
    const { flowId, result } = alice.startFlow(asker, 9100)
    await eventually(() => c.member('Alice').network!.stats.envelopesSent === 1, 10_000, 'the init stored')
    await c.down('Alice')
    void result.catch(() => {}) // the first Alice stopped: its handle never settles
    const again = await c.up('Alice')
    const resumed = again.resultOf(flowId)
    const bob = await c.up('Bob')
    await expect(resumed).resolves.toBe(4 * 9100 + 104)
    expect(effects.get('answerer-plus-9100')).toBe(1)
    await eventually(async () => (await again.tableCounts()).outbox + (await bob.tableCounts()).outbox === 0, 20_000, 'empty outboxes')
  })
})
