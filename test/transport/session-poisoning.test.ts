/**
 * A member of the network tries to keep two other members apart by writing, under its own name, into the
 * sessions they are about to open: an init, or an error, carrying the session id the initiator will use
 * (ids used to be `<flow id>/<index>`, and flow ids given by the application are predictable). What a node
 * remembers about a peer's messages is keyed by that authenticated peer, so the victim's flow completes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Envelope } from '../../runtime/network/index.js'
import { asker, answerer } from '../engine/support/rounds-flows.js'
import { RawPeer, type RawSession, envelopeItem } from './support/raw-peer.js'
import { TcpCluster } from './support/tcp-cluster.js'

let cluster: TcpCluster

beforeAll(async () => {
  cluster = await TcpCluster.create(['Alice', 'Bob', 'Mallory'])
  await cluster.up('Alice', { flows: [asker] })
  await cluster.up('Bob', { responders: [answerer] })
})
afterAll(async () => cluster?.stopAll())

async function mallory(): Promise<RawSession> {
  const raw = await RawPeer.connect(cluster.member('Bob').port, cluster.member('Mallory').identity)
  return raw.handshake(cluster.member('Mallory').identity)
}

/** Sends Bob one envelope as Mallory and waits until Bob acknowledges it (it is committed then). */
async function plant(envelope: Envelope): Promise<void> {
  const session = await mallory()
  session.send([envelopeItem(envelope)])
  for (;;) if ((await session.peer.nextAcks()).includes(envelope.id)) break
  session.peer.close()
}

/** Alice runs a flow with the given id; it must end with its result, not hang. */
async function aliceCompletes(flowId: string, n: number): Promise<void> {
  const handle = cluster.member('Alice').node!.startFlow(asker, n, { flowId })
  const hung = new Promise((_, reject) => setTimeout(() => reject(new Error(`flow ${flowId} did not complete within 8 s`)), 8000))
  await expect(Promise.race([handle.result, hung])).resolves.toBe(4 * n + 104)
}

describe('a third party cannot poison a session between two others', () => {
  it('with an init carrying the victim’s session id', async () => {
    const session = 'trade-1/0'
    await plant({
      id: `${session}/init`,
      from: 'Mallory',
      to: 'Bob',
      body: { t: 'init', session, protocol: 'Rounds', versions: [{ version: 1, hash: 'sha256:whatever' }], first: { kind: 'data', label: 'q1', payload: 7 } },
    })
    await aliceCompletes('trade-1', 11)
  }, 20_000)

  it('with an error message for the victim’s session before its init arrives', async () => {
    const session = 'trade-2/0'
    await plant({ id: `${session}/i0`, from: 'Mallory', to: 'Bob', body: { t: 'error', session, dir: 'i', seq: 0, exception: null } })
    await aliceCompletes('trade-2', 12)
  }, 20_000)
})
