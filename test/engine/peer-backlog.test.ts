/**
 * Quota (d): what waits in the outbox for one peer. A peer that never acknowledges anything does not keep
 * flows waiting for ever: past `peerSilenceAfterMs` the flows whose messages it left unacknowledged fail,
 * saying so; and past `maxOutboxPerPeer` unacknowledged messages a flow sending one more fails at once.
 */
import { afterEach, expect, it } from 'vitest'
import { SimulatedClock } from '../../runtime/testing/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { asker } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

/** A Bob that takes nothing: every delivery fails, so nothing is ever acknowledged. */
function attachSilentBob(): void {
  cluster.net.attach('Bob', {
    deliver: async () => {
      throw new Error('not taking anything')
    },
    acknowledged: () => {},
    peerAvailable: () => {},
  })
}

it('flows waiting on a peer that acknowledges nothing fail after the silence deadline', async () => {
  cluster = new Cluster()
  attachSilentBob()
  const clock = new SimulatedClock()
  const alice = await cluster.add('Alice', { flows: [asker], clock, redeliverAfterMs: 600_000, quotas: { peerSilenceAfterMs: 24 * 3600_000 } })
  const handle = alice.startFlow(asker, 1)
  let settled = false
  const outcome = handle.result.then(
    () => 'completed',
    (e: unknown) => e as Error,
  )
  void outcome.then(() => (settled = true))
  await eventually(() => alice.stats.unacknowledged === 1)

  await clock.advance(12 * 3600_000)
  expect(settled).toBe(false)
  await clock.advance(13 * 3600_000)
  await eventually(() => settled)
  const error = (await outcome) as Error
  expect(error).toBeInstanceOf(Error)
  expect(error.message).toContain('Bob acknowledged nothing from Alice for 24 hour(s) (peerSilenceAfterMs = 86400000)')
  expect(await alice.unfinishedFlows()).toHaveLength(0)
})

it('a flow sending past the per-peer outbox quota fails at once, naming the quota', async () => {
  const inits = new Set<string>()
  cluster = new Cluster({ faults: { rule: (e) => void (e.body.t === 'init' && inits.add(e.id)) } })
  attachSilentBob()
  const alice = await cluster.add('Alice', { flows: [asker], quotas: { maxOutboxPerPeer: 2 } })
  alice.startFlow(asker, 1)
  alice.startFlow(asker, 2)
  await eventually(() => alice.stats.unacknowledged === 2)
  const error = (await alice.startFlow(asker, 3).result.catch((e: unknown) => e)) as Error
  expect(error.message).toContain('already keeps 2 unacknowledged messages for Bob, its quota maxOutboxPerPeer (2)')
  expect(inits.size).toBe(2) // the third flow's init never left
})
