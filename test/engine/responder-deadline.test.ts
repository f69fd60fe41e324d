/**
 * Quota (b): a responder flow that hears nothing from its initiator for `responderIdleAfterMs` ends, and
 * the initiator is told with an error frame, so an initiator that opens sessions and goes quiet leaves no
 * flows behind. Time is the node's Clock (simulated here); the flow is ended also when it was evicted.
 */
import { afterEach, expect, it } from 'vitest'
import type { Envelope } from '../../runtime/network/index.js'
import { SimulatedClock } from '../../runtime/testing/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { versionSpec } from './support/family.js'
import { Rounds } from './support/protocols.js'
import { answerer } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

it('a responder that hears nothing from its initiator past the deadline ends, and the initiator is told', async () => {
  cluster = new Cluster()
  const clock = new SimulatedClock()
  const bob = await cluster.add('Bob', { responders: [answerer], clock, redeliverAfterMs: 600_000, quotas: { responderIdleAfterMs: 3600_000 } })
  // Mallory opens a session with its first question and never sends the second: Bob's responder waits for it.
  const got: Envelope[] = []
  const mallory = cluster.net.attach('Mallory', { deliver: async (e) => void got.push(e), acknowledged: () => {}, peerAvailable: () => {} })
  const versions = [{ version: 1, hash: versionSpec(Rounds).hash }]
  const first = { kind: 'data' as const, label: 'q1', payload: 7 }
  mallory.send({ id: 'init-1', from: 'Mallory', to: 'Bob', body: { t: 'init', session: 's-1', protocol: 'Rounds', versions, first } })
  await eventually(() => got.some((e) => e.body.t === 'data'))
  expect(await bob.unfinishedFlows()).toHaveLength(1)

  await clock.advance(30 * 60_000) // half the deadline (the flow is evicted meanwhile): still waiting
  expect(await bob.unfinishedFlows()).toHaveLength(1)

  await clock.advance(45 * 60_000)
  await eventually(async () => (await bob.unfinishedFlows()).length === 0)
  await eventually(() => got.some((e) => e.body.t === 'error'))
  expect(got.find((e) => e.body.t === 'error')!.body).toMatchObject({ t: 'error', session: 's-1', dir: 'r' })
})
