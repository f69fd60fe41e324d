import { afterEach, describe, expect, it } from 'vitest'
import { Cluster, eventually } from './support/cluster.js'
import { answerer, asker, effects } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

describe('a two-round flow between two nodes', () => {
  it('completes, runs each step once and leaves no journal rows', async () => {
    cluster = new Cluster()
    const alice = await cluster.add('Alice', { flows: [asker] })
    const bob = await cluster.add('Bob', { responders: [answerer] })
    const handle = alice.startFlow(asker, 1)
    // 1 -> Bob answers 2 -> doubled 4 -> Bob answers 104 -> total 108
    await expect(handle.result).resolves.toBe(108)
    expect(effects.get('asker-double-1')).toBe(1)
    expect(effects.get('answerer-plus-1')).toBe(1)
    // Acknowledged messages leave the outbox with the next commit (within 50 ms on an idle node).
    const empty = async () => {
      for (const node of [alice, bob]) {
        const { flows, journal, sessions, inbox, outbox } = await node.tableCounts()
        if (flows + journal + sessions + inbox + outbox !== 0) return false
      }
      return true
    }
    await eventually(empty, 2000).catch(() => {})
    for (const node of [alice, bob]) {
      const rows = await node.tableCounts()
      expect(rows.flows).toBe(0)
      expect(rows.journal).toBe(0)
      expect(rows.sessions).toBe(0)
      expect(rows.inbox).toBe(0)
      expect(rows.outbox).toBe(0)
    }
  })
})
