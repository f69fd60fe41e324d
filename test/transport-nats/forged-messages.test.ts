/**
 * Trust does not rest on the broker: whatever is published straight to a node's subject without the
 * signature of the party it names (unsigned, signed by a key the map does not list for that party,
 * addressed to another party, replayed after maxMessageAgeMs, not an envelope) is refused, counted, logged
 * and terminated on the broker: never delivered, never redelivered. A forged acknowledgement does not take
 * an envelope out of the sender's outbox. Genuine traffic carries on.
 */
import { connect, type headers } from 'nats'
import { afterEach, describe, expect, it } from 'vitest'
import { signedHeaders } from '../../runtime/transport-nats/message-signature.js'
import { partySubject, partyToken } from '../../runtime/transport-nats/subjects.js'
import { encodeEnvelopeItem } from '../../runtime/transport/envelope-codec.js'
import { ItemKind, encodeItem } from '../../runtime/transport/frame-codec.js'
import { generateIdentity } from '../../runtime/transport/index.js'
import { eventually } from '../transport/support/tcp-cluster.js'
import { NatsCluster } from './support/nats-cluster.js'
import { RecordingEndpoint, dataEnvelope, sleep } from './support/recording.js'

let cluster: NatsCluster | undefined
afterEach(async () => {
  await cluster?.stopAll()
  cluster = undefined
})

async function publishRaw(c: NatsCluster, to: string, data: Uint8Array, h?: ReturnType<typeof headers>): Promise<void> {
  const connection = await connect({ servers: c.url })
  try {
    await connection.jetstream().publish(partySubject(c.subjectPrefix, to), data, h ? { headers: h } : {})
  } finally {
    await connection.close()
  }
}

const claim = (from: string, to: string, at = Date.now()) => ({ fromToken: partyToken(from), toToken: partyToken(to), at })

describe('messages published straight to the broker', () => {
  it('are refused unless signed by the party they name, for this node, recently, and well-formed', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob', 'Carol']))
    const bob = new RecordingEndpoint()
    const bobNetwork = await c.network('Bob', { maxMessageAgeMs: 60_000 })
    bobNetwork.attach('Bob', bob)
    const alice = c.member('Alice').identity
    const forged = encodeEnvelopeItem(dataEnvelope('forged'))
    const mallory = generateIdentity('Alice')
    // unsigned
    await publishRaw(c, 'Bob', forged)
    // signed by a key the map does not list for Alice
    await publishRaw(c, 'Bob', forged, signedHeaders(mallory.privateKey, claim('Alice', 'Bob'), forged))
    // Alice's signature over other bytes (the payload was changed on the way)
    const changed = encodeEnvelopeItem(dataEnvelope('forged', 'changed'))
    await publishRaw(c, 'Bob', changed, signedHeaders(alice.privateKey, claim('Alice', 'Bob'), forged))
    // genuinely Alice's, but for Carol, moved to Bob's subject
    const forCarol = encodeEnvelopeItem(dataEnvelope('forged', 'x', 'Alice', 'Carol'))
    await publishRaw(c, 'Bob', forCarol, signedHeaders(alice.privateKey, claim('Alice', 'Carol'), forCarol))
    // genuinely Alice's and for Bob, but signed two minutes ago (replayed)
    await publishRaw(c, 'Bob', forged, signedHeaders(alice.privateKey, claim('Alice', 'Bob', Date.now() - 120_000), forged))
    // signed headers naming Alice, an envelope inside claiming Carol
    const fromCarol = encodeEnvelopeItem(dataEnvelope('forged', 'x', 'Carol', 'Bob'))
    await publishRaw(c, 'Bob', fromCarol, signedHeaders(alice.privateKey, claim('Alice', 'Bob'), fromCarol))
    // signed, but not an item
    const junk = Buffer.from('{"id":"forged"}')
    await publishRaw(c, 'Bob', junk, signedHeaders(alice.privateKey, claim('Alice', 'Bob'), junk))
    // signed, an envelope item that does not match the wire schema
    const bad = encodeItem(ItemKind.envelope, Buffer.from(JSON.stringify({ id: 'forged', from: 'Alice', to: 'Bob', body: { t: 'nope' } })))
    await publishRaw(c, 'Bob', bad, signedHeaders(alice.privateKey, claim('Alice', 'Bob'), bad))
    // from a party the map does not list
    const stranger = generateIdentity('Eve')
    await publishRaw(c, 'Bob', forged, signedHeaders(stranger.privateKey, claim('Eve', 'Bob'), forged))

    const total = () => Object.values(bobNetwork.stats.rejected).reduce((a, b) => a + (b ?? 0), 0)
    await eventually(() => total() === 9, 10_000, 'nine refusals')
    expect(bobNetwork.stats.rejected).toEqual({
      unsigned: 1,
      'bad-signature': 2,
      'wrong-recipient': 1,
      stale: 1,
      'wrong-sender': 1,
      malformed: 1,
      schema: 1,
      'unknown-party': 1,
    })
    const warnings = c
      .member('Bob')
      .log.lines.filter((l) => l.level === 'warn')
      .map((l) => l.message)
    expect(warnings.some((m) => m.includes('not signed with the key the map lists for Alice') && m.includes('(bad-signature)'))).toBe(true)
    // genuine traffic still flows, and nothing forged was ever delivered or comes back
    const alicePort = (await c.network('Alice')).attach('Alice', new RecordingEndpoint())
    alicePort.send(dataEnvelope('genuine'))
    await eventually(() => bob.delivered.length === 1, 10_000, 'the genuine envelope')
    await sleep(300)
    expect(bob.attempts).toEqual(['genuine'])
    expect(total()).toBe(9)
  })

  it('refuses a forged acknowledgement: the envelope stays unacknowledged', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const alice = new RecordingEndpoint()
    const aliceNetwork = await c.network('Alice')
    aliceNetwork.attach('Alice', alice)
    const ack = encodeItem(ItemKind.ack, Buffer.from('m1'))
    await publishRaw(c, 'Alice', ack, signedHeaders(generateIdentity('Bob').privateKey, claim('Bob', 'Alice'), ack))
    await publishRaw(c, 'Alice', ack)
    await eventually(() => (aliceNetwork.stats.rejected['bad-signature'] ?? 0) + (aliceNetwork.stats.rejected.unsigned ?? 0) === 2, 10_000, 'two refusals')
    expect(alice.acks).toEqual([])
    // a genuine one from Bob is taken
    await publishRaw(c, 'Alice', ack, signedHeaders(c.member('Bob').identity.privateKey, claim('Bob', 'Alice'), ack))
    await eventually(() => alice.acks.length === 1, 10_000, 'the genuine acknowledgement')
    expect(alice.acks).toEqual([['m1', 'Bob']])
  })

  it('logs a flood of refusals a few lines at a time', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const bobNetwork = await c.network('Bob', { rejectionLog: { burst: 3, intervalMs: 60_000 } })
    bobNetwork.attach('Bob', new RecordingEndpoint())
    const forged = encodeEnvelopeItem(dataEnvelope('forged'))
    for (let i = 0; i < 20; i++) await publishRaw(c, 'Bob', forged)
    await eventually(() => bobNetwork.stats.rejected.unsigned === 20, 10_000, 'twenty refusals')
    expect(c.member('Bob').log.lines.filter((l) => l.level === 'warn')).toHaveLength(3)
  })
})
