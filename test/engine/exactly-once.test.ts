import { afterEach, describe, expect, it } from 'vitest'
import { Cluster, eventually } from './support/cluster.js'
import { answerer, asker, effects } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

describe('exactly-once delivery over a faulty network', () => {
  it('completes every flow once despite dropped, duplicated and reordered messages and lost acks', async () => {
    cluster = new Cluster({ faults: { seed: 42, drop: 0.15, duplicate: 0.3, reorder: 0.3, dropAck: 0.2, delayMs: [0, 5] } })
    const alice = await cluster.add('Alice', { flows: [asker], redeliverAfterMs: 20 })
    const bob = await cluster.add('Bob', { responders: [answerer], redeliverAfterMs: 20 })
    const starts = Array.from({ length: 30 }, (_, i) => 5000 + i)
    const results = await Promise.all(starts.map((n) => alice.startFlow(asker, n).result))
    expect(results).toEqual(starts.map((n) => 4 * (n + 1) + 100))
    for (const n of starts) {
      expect(effects.get(`asker-double-${n}`)).toBe(1)
      expect(effects.get(`asker-total-${n}`)).toBe(1)
      expect(effects.get(`answerer-plus-${n}`)).toBe(1)
    }
    const { stats } = cluster.net
    expect(stats.duplicated).toBeGreaterThan(10)
    expect(stats.dropped).toBeGreaterThan(5)
    await eventually(async () => (await alice.tableCounts()).outbox + (await bob.tableCounts()).outbox === 0, 10_000)
    for (const node of [alice, bob]) expect(await node.tableCounts()).toMatchObject({ flows: 0, journal: 0, sessions: 0, inbox: 0 })
  })
})
