/**
 * Even a third party that knows the id of a session about to reach a node (held on the way here) cannot
 * make that node drop the real init: what the node remembers of an init, or of an error ending a session
 * before its init, is the sender's, so Mallory's copies stand for Mallory alone and Alice's flow completes.
 */
import { afterEach, expect, it } from 'vitest'
import type { Envelope, WireMessage } from '../../runtime/network/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { answerer, asker } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

async function plantedBeforeAliceInit(forge: (session: string) => WireMessage): Promise<void> {
  let holdAlice = true
  cluster = new Cluster({ faults: { rule: (e) => (holdAlice && e.from === 'Alice' ? 'hold' : undefined) } })
  const alice = await cluster.add('Alice', { flows: [asker] })
  await cluster.add('Bob', { responders: [answerer] })
  const handle = alice.startFlow(asker, 9)
  await eventually(() => cluster.net.onHold.some((e) => e.body.t === 'init'))
  const init = cluster.net.onHold.find((e) => e.body.t === 'init')!
  const acked: string[] = []
  const mallory = cluster.net.attach('Mallory', { deliver: async () => {}, acknowledged: (id) => void acked.push(id), peerAvailable: () => {} })
  const forged: Envelope = { id: init.id, from: 'Mallory', to: 'Bob', body: forge(init.body.session) }
  mallory.send(forged)
  await eventually(() => acked.includes(forged.id)) // Bob committed what it makes of it
  holdAlice = false
  cluster.net.release()
  await expect(handle.result).resolves.toBe(4 * 9 + 104)
}

it("a third party's init with the victim's session and message id does not stop the victim's init", async () => {
  await plantedBeforeAliceInit((session) => ({
    t: 'init',
    session,
    protocol: 'Rounds',
    versions: [{ version: 1, hash: 'sha256:whatever' }],
    first: { kind: 'data', label: 'q1', payload: 1 },
  }))
})

it("a third party's error for the victim's session before its init does not stop the victim's init", async () => {
  await plantedBeforeAliceInit((session) => ({ t: 'error', session, dir: 'i', seq: 0, exception: null }))
})
