/**
 * Quota (b), the other side: the idle deadline counts from the responder's last message, not from the
 * node's start, so a responder opened after hours of the node running is not ended at once. Time is Bob's
 * Clock (simulated); runs on every network (responder-deadline.test.ts needs the in-memory one).
 */
import { afterEach, expect, it } from 'vitest'
import { SimulatedClock } from '../../runtime/testing/index.js'
import { Cluster } from './support/cluster.js'
import { answerer, asker } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

it('a responder opened after hours of the node running is not ended at once', async () => {
  cluster = new Cluster()
  const clock = new SimulatedClock()
  const alice = await cluster.add('Alice', { flows: [asker] })
  await cluster.add('Bob', { responders: [answerer], clock, redeliverAfterMs: 600_000, quotas: { responderIdleAfterMs: 3600_000 } })
  await clock.advance(2 * 3600_000)
  await expect(alice.startFlow(asker, 2).result).resolves.toBe(4 * 2 + 104)
})
