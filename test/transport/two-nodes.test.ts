/** Two engine nodes on real sockets: flows from generated protocols complete over an authenticated TcpNetwork. */
import { afterEach, describe, expect, it } from 'vitest'
import { flow } from '../../runtime/engine/index.js'
import { demoInitiator, demoResponder } from '../../examples/demo-flows.js'
import { answerer, asker, effects } from '../engine/support/rounds-flows.js'
import { TcpCluster, eventually } from './support/tcp-cluster.js'

let cluster: TcpCluster | undefined
afterEach(async () => {
  await cluster?.stopAll()
  cluster = undefined
})

const demo = flow('demo', async (ctx, amount: number) => demoInitiator(ctx, 'Bob', amount))

describe('two nodes over TCP', () => {
  it('complete the generated Demo protocol (four messages) and leave nothing behind', async () => {
    cluster = await TcpCluster.create(['Alice', 'Bob'])
    const alice = await cluster.up('Alice', { flows: [demo] })
    const bob = await cluster.up('Bob', { responders: [demoResponder] })
    await expect(alice.startFlow(demo, 42).result).resolves.toEqual({ name: 'Hello, you sent 42, Bob', count: 42 })
    await eventually(async () => (await alice.tableCounts()).outbox + (await bob.tableCounts()).outbox === 0, 20_000, 'empty outboxes')
    for (const node of [alice, bob]) expect(await node.tableCounts()).toMatchObject({ flows: 0, sessions: 0, inbox: 0, outbox: 0, journal: 0 })
    for (const name of ['Alice', 'Bob']) {
      const stats = cluster.member(name).network!.stats
      expect(stats.rejected).toEqual({})
      expect(stats.envelopesDelivered).toBeGreaterThanOrEqual(2)
      expect(stats.acksReceived).toBeGreaterThanOrEqual(2)
    }
  })

  it('run many two-round flows at once, each step once', async () => {
    cluster = await TcpCluster.create(['Alice', 'Bob'])
    const alice = await cluster.up('Alice', { flows: [asker] })
    await cluster.up('Bob', { responders: [answerer] })
    const starts = Array.from({ length: 50 }, (_, i) => 1000 + i)
    const results = await Promise.all(starts.map((n) => alice.startFlow(asker, n).result))
    // n -> Bob answers n+1 -> doubled 2n+2 -> Bob answers 2n+102 -> total 4n+104
    expect(results).toEqual(starts.map((n) => 4 * n + 104))
    for (const n of starts) {
      expect(effects.get(`asker-double-${n}`)).toBe(1)
      expect(effects.get(`answerer-plus-${n}`)).toBe(1)
    }
    const net = cluster.member('Alice').network!.stats
    expect(net.framesSent).toBeLessThan(net.envelopesSent + net.envelopesDelivered) // batched
  })
})
