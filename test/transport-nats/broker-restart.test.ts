/**
 * The broker crashes (SIGKILL) and comes back mid-traffic: the nodes' connections reconnect on their own,
 * envelopes the broker had stored are delivered, those whose publish failed meanwhile are published again
 * from the outbox, and every flow finishes with each step run once.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { answerer, asker, effects } from '../engine/support/rounds-flows.js'
import { eventually } from '../transport/support/tcp-cluster.js'
import { NatsCluster, expectEachStepOnce } from './support/nats-cluster.js'
import { PrivateBroker } from './support/private-broker.js'
import { RecordingEndpoint, dataEnvelope, sleep } from './support/recording.js'

let cluster: NatsCluster | undefined
let broker: PrivateBroker | undefined
afterEach(async () => {
  await cluster?.stopAll()
  await broker?.stop()
  cluster = undefined
  broker = undefined
})

describe('a NATS broker restarted mid-flow', () => {
  it('loses nothing: the nodes reconnect and every flow finishes once', async () => {
    broker = await PrivateBroker.start()
    const c = (cluster = NatsCluster.create(['Alice', 'Bob'], broker.url))
    const bob = await c.up('Bob', { responders: [answerer] })
    const alice = await c.up('Alice', { flows: [asker] }, { publishTimeoutMs: 500 })
    const starts = Array.from({ length: 20 }, (_, i) => 9000 + i)
    const results = Promise.all(starts.map((n) => alice.startFlow(asker, n).result))
    await eventually(() => starts.some((n) => effects.get(`answerer-plus-${n}`) === 1), 20_000, "Bob's first steps")
    await broker.kill()
    const finishedBeforeCrash = starts.filter((n) => effects.get(`asker-total-${n}`) === 1).length
    expect(finishedBeforeCrash).toBeLessThan(starts.length) // flows were in flight when the broker died
    await sleep(500)
    await broker.up()
    expect(await results).toEqual(starts.map((n) => 4 * n + 104))
    await eventually(async () => (await alice.tableCounts()).outbox + (await bob.tableCounts()).outbox === 0, 20_000, 'empty outboxes')
    expectEachStepOnce(starts)
    expect(c.member('Alice').network!.stats.reconnects + c.member('Bob').network!.stats.reconnects).toBeGreaterThanOrEqual(2)
  })

  it('a node that attaches while the broker is down starts reading once it is back', async () => {
    broker = await PrivateBroker.start()
    const c = (cluster = NatsCluster.create(['Alice', 'Bob'], broker.url))
    const bobNetwork = await c.network('Bob')
    await broker.kill()
    const bob = new RecordingEndpoint()
    bobNetwork.attach('Bob', bob)
    await sleep(1_500)
    await broker.up()
    const aliceNetwork = await c.network('Alice')
    const alice = new RecordingEndpoint()
    aliceNetwork.attach('Alice', alice).send(dataEnvelope('after-outage'))
    await eventually(() => alice.acks.length === 1, 30_000, 'the acknowledgement')
    expect(bob.delivered.map((e) => e.id)).toEqual(['after-outage'])
    expect(c.member('Bob').log.lines.some((l) => l.level === 'warn' && l.message.includes('cannot read its NATS consumer'))).toBe(true)
  })
})
