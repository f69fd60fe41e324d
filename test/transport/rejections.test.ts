/**
 * Every kind of frame a node must refuse, sent by a hand-written client over a real socket: the node logs
 * the reason and counts it, its SQLite tables do not change, and a legitimate peer keeps working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Envelope } from '../../runtime/network/index.js'
import { ItemKind, encodeItem, frame } from '../../runtime/transport/frame-codec.js'
import { type NodeIdentity, generateIdentity } from '../../runtime/transport/index.js'
import type { RejectReason } from '../../runtime/transport/connection.js'
import { asker, answerer } from '../engine/support/rounds-flows.js'
import { snapshot } from './support/db-snapshot.js'
import { RawPeer, type RawSession, ackItem, envelopeItem } from './support/raw-peer.js'
import { TcpCluster, eventually } from './support/tcp-cluster.js'

let cluster: TcpCluster
let mallory: NodeIdentity
const eve = generateIdentity('Eve') // not in the map
let flowsRun = 0

beforeAll(async () => {
  cluster = await TcpCluster.create(['Alice', 'Bob', 'Mallory'])
  mallory = cluster.member('Mallory').identity
  await cluster.up('Alice', { flows: [asker] })
  await cluster.up('Bob', { responders: [answerer] }, { handshakeTimeoutMs: 1000 })
})
afterAll(async () => cluster?.stopAll())

const bobNet = () => cluster.member('Bob').network!
const bobPort = () => cluster.member('Bob').port
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Bob's tables once nothing has changed for a while. */
async function quietSnapshot(): Promise<Record<string, unknown[]>> {
  let last = snapshot(cluster.dbFile('Bob'))
  for (;;) {
    await sleep(100)
    const next = snapshot(cluster.dbFile('Bob'))
    if (JSON.stringify(next) === JSON.stringify(last)) return next
    last = next
  }
}

/** A well-formed session init from `from`: Bob would store a responder flow (or a reject) for it. */
function init(from: string, session: string, overrides: Partial<Envelope> = {}): Envelope {
  return {
    id: `${session}/init`,
    from,
    to: 'Bob',
    body: { t: 'init', session, protocol: 'Rounds', versions: [{ version: 1, hash: 'sha256:whatever' }], first: { kind: 'data', label: 'q1', payload: 7 } },
    ...overrides,
  }
}

/** Alice, a legitimate peer, runs a two-round flow with Bob to the end. */
async function legitimatePeerWorks(): Promise<void> {
  const n = 5000 + flowsRun++
  await expect(cluster.member('Alice').node!.startFlow(asker, n).result).resolves.toBe(4 * n + 104)
}

/**
 * Runs an attack and checks the outcome: `reason` counted and logged with party and remote address,
 * nothing delivered, Bob's tables unchanged, the attacker's connection closed or kept, Alice served.
 */
async function expectRejected(reason: RejectReason, party: string, connection: 'closes' | 'stays', attack: () => Promise<RawPeer>): Promise<void> {
  const net = bobNet()
  const log = cluster.member('Bob').log
  const before = await quietSnapshot()
  const delivered = net.stats.envelopesDelivered
  const count = net.stats.rejected[reason] ?? 0
  const logged = log.lines.length
  const raw = await attack()
  await eventually(() => (net.stats.rejected[reason] ?? 0) > count, 20_000, `a '${reason}' rejection`)
  await sleep(150) // anything wrongly handed to the engine would be committed by now
  expect(snapshot(cluster.dbFile('Bob'))).toEqual(before)
  expect(net.stats.envelopesDelivered).toBe(delivered)
  const warning = log.lines.slice(logged).find((line) => line.level === 'warn' && line.fields?.reason === reason)
  expect(warning?.fields).toMatchObject({ party, reason, remoteAddress: expect.stringMatching(/^127\.0\.0\.1:\d+$/) })
  if (connection === 'closes') await raw.closed
  else {
    await sleep(100)
    expect(raw.isClosed).toBe(false)
  }
  raw.close()
  await legitimatePeerWorks()
}

async function authenticated(identity: NodeIdentity = mallory): Promise<RawSession> {
  const raw = await RawPeer.connect(bobPort(), identity)
  return raw.handshake(identity)
}

describe('a node refuses', () => {
  it('a hello from a party not in the network map', async () => {
    await expectRejected('unknown-party', 'Eve', 'closes', async () => {
      const raw = await RawPeer.connect(bobPort())
      await raw.hello('Eve').catch(() => {})
      return raw
    })
  })

  it('a handshake signed with another key than the map lists for the claimed party', async () => {
    await expectRejected('bad-signature', 'Alice', 'closes', async () => {
      const raw = await RawPeer.connect(bobPort())
      const alice = cluster.member('Alice').identity
      await raw.handshake(alice, eve.privateKey).catch(() => {})
      return raw
    })
  })

  it('a frame with a bad signature on an authenticated connection', async () => {
    await expectRejected('bad-signature', 'Mallory', 'closes', async () => {
      const session = await authenticated()
      session.send([envelopeItem(init('Mallory', 'forged-1'))], { key: eve.privateKey })
      return session.peer
    })
  })

  it('an envelope claiming to come from another party', async () => {
    await expectRejected('wrong-sender', 'Mallory', 'stays', async () => {
      const session = await authenticated()
      session.send([envelopeItem(init('Alice', 'stolen-1'))])
      return session.peer
    })
  })

  it('an envelope addressed to another party', async () => {
    await expectRejected('wrong-recipient', 'Mallory', 'stays', async () => {
      const session = await authenticated()
      session.send([envelopeItem(init('Mallory', 'misrouted-1', { to: 'Alice' }))])
      return session.peer
    })
  })

  it('an oversized frame before the handshake, as soon as its length arrives', async () => {
    await expectRejected('oversized', 'unknown', 'closes', async () => {
      const raw = await RawPeer.connect(bobPort())
      const header = Buffer.alloc(4)
      header.writeUInt32BE(100_000)
      raw.write(header) // no body follows: the length alone must be refused
      return raw
    })
  })

  it('an oversized frame after the handshake, without buffering its body', async () => {
    await expectRejected('oversized', 'Mallory', 'closes', async () => {
      const session = await authenticated()
      const header = Buffer.alloc(4)
      header.writeUInt32BE(2 * 1024 * 1024 + 1)
      session.peer.write(Buffer.concat([header, Buffer.alloc(1000)]))
      return session.peer
    })
  })

  it('garbage bytes in place of a frame', async () => {
    await expectRejected('malformed', 'unknown', 'closes', async () => {
      const raw = await RawPeer.connect(bobPort())
      raw.write(frame(Buffer.from('GET / HTTP/1.1\r\nHost: bob\r\n\r\n')))
      return raw
    })
  })

  it('garbage items inside a correctly signed frame', async () => {
    await expectRejected('malformed', 'Mallory', 'stays', async () => {
      const session = await authenticated()
      session.send([Buffer.from([1, 0, 0, 0, 200, 1, 2, 3])]) // an item claiming 200 bytes it does not have
      return session.peer
    })
  })

  it('an envelope that is not JSON', async () => {
    await expectRejected('malformed', 'Mallory', 'stays', async () => {
      const session = await authenticated()
      session.send([envelopeItem('{"id": "x", "from": "Mallory", ')])
      return session.peer
    })
  })

  it('an envelope whose attachments do not add up', async () => {
    await expectRejected('malformed', 'Mallory', 'stays', async () => {
      const session = await authenticated()
      const table = Buffer.alloc(6)
      table.writeUInt16BE(1, 0)
      table.writeUInt32BE(1_000, 2) // one attachment of 1000 bytes, which are not there
      session.send([encodeItem(ItemKind.envelopeWithBlobs, Buffer.concat([table, Buffer.from(JSON.stringify(init('Mallory', 'blob-1')))]))])
      return session.peer
    })
  })

  it('an envelope that does not match the wire schema', async () => {
    for (const bad of [
      { ...init('Mallory', 'schema-1'), body: { t: 'explode', session: 'schema-1' } },
      { ...init('Mallory', 'schema-2'), body: { t: 'data', session: 'schema-2', dir: 'i', seq: -1, frame: { kind: 'data', label: 'q1', payload: 1 } } },
      { id: 42, from: 'Mallory', to: 'Bob', body: init('Mallory', 'schema-3').body },
      [init('Mallory', 'schema-4')],
    ]) {
      await expectRejected('schema', 'Mallory', 'stays', async () => {
        const session = await authenticated()
        session.send([envelopeItem(bad)])
        return session.peer
      })
    }
  })

  it('a frame replayed from an earlier connection', async () => {
    await expectRejected('replayed-connection', 'Mallory', 'closes', async () => {
      const first = await authenticated()
      // Signed for the first connection but never delivered on it: it would be new to Bob.
      const recorded = first.batch([envelopeItem(init('Mallory', 'replayed-1'))])
      first.peer.close()
      const second = await authenticated()
      second.peer.write(recorded)
      return second.peer
    })
  })

  it('a frame replayed within its connection (counter not increasing)', async () => {
    const first = await authenticated()
    const bytes = first.send([envelopeItem(init('Mallory', 'counted-1'))])
    expect(await first.peer.nextAcks()).toEqual(['counted-1/init']) // accepted and committed once
    await expectRejected('replayed-counter', 'Mallory', 'closes', async () => {
      first.peer.write(bytes) // the very same bytes again
      return first.peer
    })
    const second = await authenticated()
    second.send([envelopeItem(init('Mallory', 'counted-2'))], { counter: 5 })
    expect(await second.peer.nextAcks()).toEqual(['counted-2/init'])
    await expectRejected('replayed-counter', 'Mallory', 'closes', async () => {
      second.send([envelopeItem(init('Mallory', 'counted-3'))], { counter: 5 }) // new content, old counter
      return second.peer
    })
  })

  it('an acknowledgement of something it never sent on that connection', async () => {
    await expectRejected('unexpected-ack', 'Mallory', 'stays', async () => {
      const session = await authenticated()
      session.send([ackItem('some-session/i3')])
      return session.peer
    })
  })

  it('a batch before the handshake, and a handshake that never completes', async () => {
    await expectRejected('bad-handshake', 'Mallory', 'closes', async () => {
      const raw = await RawPeer.connect(bobPort())
      const { nonce, theirs } = await raw.hello('Mallory')
      const { RawSession } = await import('./support/raw-peer.js')
      new RawSession(raw, mallory, nonce, theirs.nonce).send([envelopeItem(init('Mallory', 'early-1'))])
      return raw
    })
    await expectRejected('handshake-timeout', 'unknown', 'closes', () => RawPeer.connect(bobPort()))
  })

  it('several of the above at once while a legitimate peer runs flows', async () => {
    const before = { ...bobNet().stats.rejected }
    const grew = (reason: RejectReason) => (bobNet().stats.rejected[reason] ?? 0) - (before[reason] ?? 0)
    const legit = Promise.all([0, 1, 2, 3, 4].map(() => legitimatePeerWorks()))
    const attackers = await Promise.all([
      RawPeer.connect(bobPort()).then(async (raw) => (await raw.hello('Eve').catch(() => {}), raw)),
      // One authenticated connection per party: a newer one from the same party replaces the older.
      authenticated().then((s) => {
        s.send([envelopeItem(init('Alice', 'storm-1'))])
        s.send([envelopeItem(init('Mallory', 'storm-2'))], { key: eve.privateKey })
        return s.peer
      }),
      RawPeer.connect(bobPort()).then((raw) => (raw.write(frame(Buffer.alloc(50, 0xff))), raw)),
      RawPeer.connect(bobPort()).then((raw) => (raw.write(Buffer.from([0xff, 0xff, 0xff, 0xff])), raw)),
    ])
    await legit
    const reasons: RejectReason[] = ['unknown-party', 'wrong-sender', 'bad-signature', 'malformed', 'oversized']
    await eventually(() => reasons.every((r) => grew(r) >= 1), 20_000, `one rejection of each kind (have ${JSON.stringify(bobNet().stats.rejected)})`)
    for (const raw of attackers) raw.close()
    await legitimatePeerWorks()
  })
})
