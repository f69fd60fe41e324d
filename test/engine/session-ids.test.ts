/**
 * The id of a session a flow opens is random, so no third party can know it before the init arrives (ids
 * derived from flow ids, which applications choose, were guessable), and it is recorded in the journal,
 * so a flow that replays after a restart keeps using the id its peer knows.
 */
import { afterEach, expect, it } from 'vitest'
import type { Envelope } from '../../runtime/network/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { answerer, asker } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

it('a session opened by a flow with a chosen id gets a random id, not one derived from the flow id', async () => {
  const seen: Envelope[] = []
  cluster = new Cluster({ faults: { rule: (e) => (seen.push(e), undefined) } })
  const alice = await cluster.add('Alice', { flows: [asker] })
  await cluster.add('Bob', { responders: [answerer] })
  await expect(alice.startFlow(asker, 1, { flowId: 'trade-1' }).result).resolves.toBe(108)
  await expect(alice.startFlow(asker, 2, { flowId: 'trade-2' }).result).resolves.toBe(112)
  const sessions = [...new Set(seen.filter((e) => e.from === 'Alice').map((e) => e.body.session))]
  expect(sessions).toHaveLength(2)
  for (const session of sessions) {
    expect(session).toMatch(UUID)
    expect(session).not.toContain('trade-')
  }
})

it('a flow replayed after a restart keeps the session id it opened with, and completes', async () => {
  const seen: Envelope[] = []
  let holdBob = true
  cluster = new Cluster({ faults: { rule: (e) => (seen.push(e), holdBob && e.from === 'Bob' ? 'hold' : undefined) } })
  const alice = await cluster.add('Alice', { flows: [asker] })
  await cluster.add('Bob', { responders: [answerer] })
  alice.startFlow(asker, 3, { flowId: 'trade-3' })
  await eventually(() => cluster.net.onHold.length > 0) // Bob answered; Alice waits for it
  const restarted = await cluster.crashAndRestart('Alice', { flows: [asker] })
  holdBob = false
  cluster.net.release()
  await expect(restarted.resultOf('trade-3')).resolves.toBe(4 * 3 + 104)
  const sessions = new Set(seen.filter((e) => e.from === 'Alice').map((e) => e.body.session))
  expect(sessions.size).toBe(1)
  expect([...sessions][0]).toMatch(UUID)
})
