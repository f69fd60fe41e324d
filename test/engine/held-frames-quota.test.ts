/**
 * Quota (c): bytes of frames a session holds beyond the next one its flow consumes. A counterparty that
 * sends frames far ahead with large payloads makes the node store no more than the quota: frames past it
 * are neither stored nor acknowledged (their sender sends them again later), while the frame the flow
 * needs next is always taken.
 */
import { afterEach, expect, it } from 'vitest'
import type { Envelope } from '../../runtime/network/index.js'
import { Cluster, eventually, turns } from './support/cluster.js'
import { versionSpec } from './support/family.js'
import { Rounds } from './support/protocols.js'
import { answerer } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

it('frames sent ahead past the quota are not stored nor acknowledged; the next frame is still taken', async () => {
  cluster = new Cluster()
  const bob = await cluster.add('Bob', { responders: [answerer], quotas: { maxHeldBytesPerSession: 256 * 1024 } })
  const got: Envelope[] = []
  const acked = new Set<string>()
  const mallory = cluster.net.attach('Mallory', { deliver: async (e) => void got.push(e), acknowledged: (id) => void acked.add(id), peerAvailable: () => {} })
  const versions = [{ version: 1, hash: versionSpec(Rounds).hash }]
  mallory.send({
    id: 'init',
    from: 'Mallory',
    to: 'Bob',
    body: { t: 'init', session: 's', protocol: 'Rounds', versions, first: { kind: 'data', label: 'q1', payload: 1 } },
  })
  await eventually(() => got.some((e) => e.body.t === 'data')) // Bob answered a1 and waits for q2 (seq 1)

  // Forty frames of 64 KiB each, all ahead of the q2 Bob waits for.
  const big = 'x'.repeat(64 * 1024)
  for (let seq = 2; seq < 42; seq++) {
    mallory.send({
      id: `ahead-${seq}`,
      from: 'Mallory',
      to: 'Bob',
      body: { t: 'data', session: 's', dir: 'i', seq, frame: { kind: 'data', label: 'q2', payload: big } },
    })
  }
  await eventually(() => acked.size >= 4)
  await turns(50)
  await bob.committed()
  const aheadAcked = [...acked].filter((id) => id.startsWith('ahead-'))
  expect(aheadAcked.length).toBeGreaterThanOrEqual(2)
  expect(aheadAcked.length).toBeLessThanOrEqual(4) // 4 x 64 KiB (and their encoding) pass 256 KiB
  expect((await bob.tableCounts()).inbox).toBeLessThanOrEqual(4)

  // The frame the flow needs next is taken although the session is full: the exchange completes.
  mallory.send({ id: 'q2', from: 'Mallory', to: 'Bob', body: { t: 'data', session: 's', dir: 'i', seq: 1, frame: { kind: 'data', label: 'q2', payload: 5 } } })
  await eventually(() => acked.has('q2'))
  await eventually(() => got.some((e) => e.body.t === 'end'))
  expect(got.filter((e) => e.body.t === 'data').map((e) => (e.body as { frame: { payload: unknown } }).frame.payload)).toEqual([2, 105])
})
