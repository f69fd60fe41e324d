/**
 * Quota (a): responder sessions one peer may have open on a node at once. Past it, the peer's next init is
 * rejected with a reason naming the quota, so its flow fails saying why; other peers are not affected, and
 * the peer may open sessions again once some of its sessions end.
 */
import { afterEach, expect, it } from 'vitest'
import { Cluster, eventually } from './support/cluster.js'
import { answerer, asker } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

it('an init past the per-peer quota of open responder sessions is rejected, naming the quota', async () => {
  // Bob's answers stay with the network: each responder flow Alice opens waits for her second frame.
  let holdAnswers = true
  cluster = new Cluster({ faults: { rule: (e) => (holdAnswers && e.from === 'Bob' && e.body.t === 'data' ? 'hold' : undefined) } })
  const alice = await cluster.add('Alice', { flows: [asker] })
  const carol = await cluster.add('Carol', { flows: [asker] })
  const bob = await cluster.add('Bob', { responders: [answerer], quotas: { maxResponderSessionsPerPeer: 2 } })
  const open = [alice.startFlow(asker, 1), alice.startFlow(asker, 2)]
  await eventually(async () => (await bob.unfinishedFlows()).length === 2)

  const third = alice.startFlow(asker, 3)
  const error = (await third.result.catch((e: unknown) => e)) as Error
  expect(error.message).toContain('Bob rejected the Rounds session')
  expect(error.message).toContain('already has 2 open responder sessions from Alice, its quota maxResponderSessionsPerPeer (2)')
  expect(await bob.unfinishedFlows()).toHaveLength(2)

  // The quota is per peer: Carol still opens a session with Bob.
  const fromCarol = carol.startFlow(asker, 4)
  await eventually(async () => (await bob.unfinishedFlows()).length === 3)

  // Once Alice's sessions end she may open new ones.
  holdAnswers = false
  cluster.net.release()
  await expect(Promise.all(open.map((h) => h.result))).resolves.toEqual([4 * 1 + 104, 4 * 2 + 104])
  await expect(fromCarol.result).resolves.toBe(4 * 4 + 104)
  await expect(alice.startFlow(asker, 5).result).resolves.toBe(4 * 5 + 104)
})
