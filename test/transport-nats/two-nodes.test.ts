/** Two engine nodes through a real NATS JetStream broker: raw and generated protocols complete, nothing is left behind. */
import { afterEach, describe, expect, it } from 'vitest'
import { pingPongFlow, pongResponder } from '../../bench/support/raw-protocols.js'
import { demoInitiator, demoResponder } from '../../examples/demo-flows.js'
import { flow } from '../../runtime/engine/index.js'
import { answerer, asker, effects } from '../engine/support/rounds-flows.js'
import { eventually } from '../transport/support/tcp-cluster.js'
import { NatsCluster } from './support/nats-cluster.js'

let cluster: NatsCluster | undefined
afterEach(async () => {
  await cluster?.stopAll()
  cluster = undefined
})

const demo = flow('demo', async (ctx, amount: number) => demoInitiator(ctx, 'Bob', amount))

describe('two nodes over NATS JetStream', () => {
  it('run raw ping-pong flows, each acknowledged, and leave nothing in the stores or the stream', async () => {
    cluster = NatsCluster.create(['Alice', 'Bob'])
    const pingPong = pingPongFlow('Bob')
    const alice = await cluster.up('Alice', { flows: [pingPong] })
    const bob = await cluster.up('Bob', { responders: [pongResponder] })
    const results = await Promise.all(Array.from({ length: 20 }, () => alice.startFlow(pingPong, undefined).result))
    expect(results.every((r) => (r as { label: string }).label === 'pong')).toBe(true)
    await eventually(async () => (await alice.tableCounts()).outbox + (await bob.tableCounts()).outbox === 0, 20_000, 'empty outboxes')
    for (const node of [alice, bob]) expect(await node.tableCounts()).toMatchObject({ flows: 0, sessions: 0, inbox: 0, outbox: 0, journal: 0 })
    await eventually(async () => (await cluster!.streamMessages()) === 0, 10_000, 'an empty stream')
    for (const name of ['Alice', 'Bob']) {
      const stats = cluster.member(name).network!.stats
      expect(stats.rejected).toEqual({})
      expect(stats.envelopesDelivered).toBeGreaterThanOrEqual(20)
      expect(stats.acksReceived).toBeGreaterThanOrEqual(20)
    }
  })

  it('complete the generated Demo protocol', async () => {
    cluster = NatsCluster.create(['Alice', 'Bob'])
    const alice = await cluster.up('Alice', { flows: [demo] })
    await cluster.up('Bob', { responders: [demoResponder] })
    await expect(alice.startFlow(demo, 42).result).resolves.toEqual({ name: 'Hello, you sent 42, Bob', count: 42 })
  })

  it('run many two-round flows at once, each step once', async () => {
    cluster = NatsCluster.create(['Alice', 'Bob'])
    const alice = await cluster.up('Alice', { flows: [asker] })
    await cluster.up('Bob', { responders: [answerer] })
    const starts = Array.from({ length: 30 }, (_, i) => 5000 + i)
    const results = await Promise.all(starts.map((n) => alice.startFlow(asker, n).result))
    expect(results).toEqual(starts.map((n) => 4 * n + 104))
    for (const n of starts) {
      expect(effects.get(`asker-double-${n}`)).toBe(1)
      expect(effects.get(`answerer-plus-${n}`)).toBe(1)
    }
  })

  it('keep envelopes for a party that is not up yet and deliver them when it starts', async () => {
    cluster = NatsCluster.create(['Alice', 'Bob'])
    const alice = await cluster.up('Alice', { flows: [demo] })
    const result = alice.startFlow(demo, 7).result
    await new Promise((resolve) => setTimeout(resolve, 300))
    await cluster.up('Bob', { responders: [demoResponder] })
    await expect(result).resolves.toEqual({ name: 'Hello, you sent 7, Bob', count: 7 })
  })
})
