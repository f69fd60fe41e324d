/**
 * NatsNetwork against endpoints that record what the transport does, on the real broker: acknowledgement
 * only after `deliver` resolved, redelivery of what failed, deduplication of a re-published envelope,
 * handing back on detach, payloads kept as they were, membership from the map, start errors.
 */
import { connect } from 'nats'
import { afterEach, describe, expect, it } from 'vitest'
import { InvalidOptionError } from '../../runtime/protocol/errors/invalid-option-error.js'
import { NatsNetwork, type NatsNetworkOptions, NatsTransportError } from '../../runtime/transport-nats/index.js'
import { consumerName, partyToken } from '../../runtime/transport-nats/subjects.js'
import { generateIdentity, parseNetworkMap, publicKeyText } from '../../runtime/transport/index.js'
import { eventually } from '../transport/support/tcp-cluster.js'
import { NatsCluster } from './support/nats-cluster.js'
import { RecordingEndpoint, dataEnvelope, sleep } from './support/recording.js'

let cluster: NatsCluster | undefined
afterEach(async () => {
  await cluster?.stopAll()
  cluster = undefined
})

const start = (c: NatsCluster, name: string, options: Partial<NatsNetworkOptions> = {}) => c.network(name, options)

/** How many times the broker handed out a message of `party`'s consumer. */
async function timesDelivered(c: NatsCluster, party: string): Promise<number> {
  const connection = await connect({ servers: c.url })
  try {
    return (await (await connection.jetstreamManager()).consumers.info(c.stream, consumerName(party))).delivered.consumer_seq
  } finally {
    await connection.close()
  }
}

describe('NatsNetwork', () => {
  it('acknowledges to the sender only after deliver resolved, and delivers again what failed', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const alice = new RecordingEndpoint()
    const bob = new RecordingEndpoint()
    let failures = 1
    bob.accept = () => failures-- <= 0
    const alicePort = (await start(c, 'Alice')).attach('Alice', alice)
    const bobNetwork = await start(c, 'Bob')
    bobNetwork.attach('Bob', bob)
    alicePort.send(dataEnvelope('m1'))
    await eventually(() => alice.acks.length === 1, 10_000, 'the acknowledgement')
    expect(bob.attempts).toEqual(['m1', 'm1'])
    expect(bob.delivered.map((e) => e.id)).toEqual(['m1'])
    expect(alice.acks).toEqual([['m1', 'Bob']])
    expect(bobNetwork.stats.deliverFailures).toBe(1)
    await eventually(async () => (await c.streamMessages()) === 0, 10_000, 'an empty stream')
  })

  it('acknowledges many envelopes to their sender in a few batches', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const alice = new RecordingEndpoint()
    const port = (await start(c, 'Alice')).attach('Alice', alice)
    for (let i = 0; i < 200; i++) port.send(dataEnvelope(`m${i}`))
    await sleep(200) // all stored before Bob reads, so his deliveries come together
    const bobNetwork = await start(c, 'Bob')
    bobNetwork.attach('Bob', new RecordingEndpoint())
    await eventually(() => alice.acks.length === 200, 10_000, 'every acknowledgement')
    expect(new Set(alice.acks.map(([id]) => id)).size).toBe(200)
    expect(bobNetwork.stats.acksSent).toBe(200)
    expect(bobNetwork.stats.ackMessagesSent).toBeLessThan(50)
  })

  it('keeps an envelope whose deliver never answers and delivers it again after the ack wait', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const alice = new RecordingEndpoint()
    const bob = new RecordingEndpoint()
    let first = true
    bob.accept = () => (first ? ((first = false), new Promise<boolean>(() => {})) : true)
    ;(await start(c, 'Alice')).attach('Alice', alice).send(dataEnvelope('m1'))
    ;(await start(c, 'Bob', { ackWaitMs: 500 })).attach('Bob', bob)
    await eventually(() => alice.acks.length === 1, 10_000, 'the acknowledgement')
    expect(bob.attempts).toEqual(['m1', 'm1'])
  })

  it("confirms an acknowledgement to the broker only once the sender's endpoint made it durable", async () => {
    // A worker that dies between hearing an acknowledgement and committing its outbox delete must leave it to
    // the broker to deliver again (to another worker of the node), not drop it: here the first hearing never
    // becomes durable, and the acknowledgement comes again after the ack wait.
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const alice = new RecordingEndpoint()
    let first = true
    alice.durable = () => (first ? ((first = false), new Promise<void>(() => {})) : undefined)
    ;(await start(c, 'Alice', { ackWaitMs: 500 })).attach('Alice', alice).send(dataEnvelope('m1'))
    ;(await start(c, 'Bob')).attach('Bob', new RecordingEndpoint())
    await eventually(() => alice.acks.length === 2, 10_000, 'the acknowledgement, twice')
    expect(alice.acks).toEqual([
      ['m1', 'Bob'],
      ['m1', 'Bob'],
    ])
    await eventually(async () => (await c.streamMessages()) === 0, 10_000, 'an empty stream')
  })

  it('stores a re-published envelope once (Nats-Msg-Id), also from a restarted sender', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const first = await start(c, 'Alice')
    const port = first.attach('Alice', new RecordingEndpoint())
    for (let i = 0; i < 5; i++) port.send(dataEnvelope('m1'))
    await eventually(() => first.stats.envelopesSent === 1, 5_000, 'the publish')
    port.detach()
    await first.close()
    const again = await start(c, 'Alice')
    const alice = new RecordingEndpoint()
    again.attach('Alice', alice).send(dataEnvelope('m1'))
    await eventually(() => again.stats.envelopesSent === 1, 5_000, 'the second publish')
    expect(await c.streamMessages()).toBe(1)
    const bob = new RecordingEndpoint()
    ;(await start(c, 'Bob')).attach('Bob', bob)
    await eventually(() => alice.acks.length === 1, 10_000, 'the acknowledgement')
    await sleep(200)
    expect(bob.attempts).toEqual(['m1'])
  })

  it('gets a lost acknowledgement again at once when a restarted sender re-sends what the receiver consumed', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const bob = new RecordingEndpoint()
    ;(await start(c, 'Bob')).attach('Bob', bob)
    const before = new RecordingEndpoint()
    const first = await start(c, 'Alice')
    const port = first.attach('Alice', before)
    port.send(dataEnvelope('m1'))
    // The acknowledgement reaches Alice, who then stops before her engine commits it: m1 stays in her outbox.
    await eventually(() => before.acks.length === 1, 10_000, 'the first acknowledgement')
    port.detach()
    await first.close()
    const alice = new RecordingEndpoint()
    const started = Date.now()
    ;(await start(c, 'Alice')).attach('Alice', alice).send(dataEnvelope('m1'))
    await eventually(() => alice.acks.length === 1, 10_000, 'the acknowledgement again')
    expect(Date.now() - started).toBeLessThan(10_000) // not after the 2-minute duplicate window
    expect(bob.attempts).toEqual(['m1', 'm1'])
  })

  it('does not publish again what the broker holds until republishAfterMs, then does', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const network = await start(c, 'Alice', { republishAfterMs: 300, duplicateWindowMs: 200 })
    const port = network.attach('Alice', new RecordingEndpoint())
    port.send(dataEnvelope('m1'))
    await eventually(() => network.stats.envelopesSent === 1, 5_000, 'the publish')
    port.send(dataEnvelope('m1'))
    await sleep(100)
    expect(network.stats.envelopesSent).toBe(1)
    await sleep(400)
    port.send(dataEnvelope('m1'))
    await eventually(() => network.stats.envelopesSent === 2, 5_000, 'the second publish')
  })

  it('hands back what is being delivered when the endpoint detaches, so the next one gets it at once', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const alice = new RecordingEndpoint()
    ;(await start(c, 'Alice')).attach('Alice', alice).send(dataEnvelope('m1'))
    const stuck = new RecordingEndpoint()
    stuck.accept = () => new Promise<boolean>(() => {})
    const first = await start(c, 'Bob', { ackWaitMs: 60_000 })
    const port = first.attach('Bob', stuck)
    await eventually(() => stuck.attempts.length === 1, 10_000, 'the first delivery')
    port.detach()
    await first.close()
    const bob = new RecordingEndpoint()
    ;(await start(c, 'Bob', { ackWaitMs: 60_000 })).attach('Bob', bob)
    await eventually(() => alice.acks.length === 1, 10_000, 'the acknowledgement well before the ack wait')
    expect(bob.delivered.map((e) => e.id)).toEqual(['m1'])
  })

  it('reads nothing while detached and resumes when an endpoint attaches again', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const bobNetwork = await start(c, 'Bob')
    const first = new RecordingEndpoint()
    bobNetwork.attach('Bob', first).detach()
    const alice = new RecordingEndpoint()
    ;(await start(c, 'Alice')).attach('Alice', alice).send(dataEnvelope('m1'))
    await sleep(500)
    expect(first.attempts).toEqual([])
    expect(await c.streamMessages()).toBe(1)
    expect(await timesDelivered(c, 'Bob')).toBe(0) // not handed out and back in a loop while detached
    const second = new RecordingEndpoint()
    bobNetwork.attach('Bob', second)
    await eventually(() => alice.acks.length === 1, 10_000, 'the acknowledgement')
    expect(second.attempts).toEqual(['m1'])
  })

  it('carries payloads as they were (bigint, Date, Map, Set, bytes, undefined)', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const payload = { n: 2n ** 70n, at: new Date(5), m: new Map([['a', new Set([1])]]), bytes: new Uint8Array(600).fill(7), u: undefined }
    ;(await start(c, 'Alice')).attach('Alice', new RecordingEndpoint()).send(dataEnvelope('m1', payload))
    const bob = new RecordingEndpoint()
    ;(await start(c, 'Bob')).attach('Bob', bob)
    await eventually(() => bob.delivered.length === 1, 10_000, 'the delivery')
    const body = bob.delivered[0]!.body
    expect(body.t === 'data' && body.frame.kind === 'data' && body.frame.payload).toEqual(payload)
  })

  it('checks messages against the keys of a reloaded map', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const bob = new RecordingEndpoint()
    const bobNetwork = await start(c, 'Bob')
    bobNetwork.attach('Bob', bob)
    const rotated = generateIdentity('Alice')
    const parties = c.map.toJSON().parties.map((p) => (p.name === 'Alice' ? { ...p, publicKey: publicKeyText(rotated) } : p))
    const next = parseNetworkMap({ parties })
    expect(bobNetwork.replaceMap(next)).toEqual(['Alice'])
    expect(() => bobNetwork.replaceMap(parseNetworkMap({ parties: parties.filter((p) => p.name !== 'Bob') }))).toThrow(/no party named Bob/)
    const old = await start(c, 'Alice')
    old.attach('Alice', new RecordingEndpoint()).send(dataEnvelope('old-key'))
    await eventually(() => bobNetwork.stats.rejected['bad-signature'] === 1, 10_000, 'the old key refused')
    const renewed = await c.network('Alice', { identity: rotated, map: next })
    renewed.attach('Alice', new RecordingEndpoint()).send(dataEnvelope('new-key'))
    await eventually(() => bob.delivered.length === 1, 10_000, 'the envelope signed with the new key')
    expect(bob.attempts).toEqual(['new-key'])
  })

  it('knows the parties of the network map and names it in the roster', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    const port = (await start(c, 'Alice')).attach('Alice', new RecordingEndpoint())
    expect(port.knows('Bob')).toBe(true)
    expect(port.knows('Carol')).toBe(false)
    expect(port.roster()).toMatchObject({ parties: ['Alice', 'Bob'], remedy: 'add the party to the network map' })
  })

  it('refuses bad options, an identity the map does not list, a second attach and an unreachable broker', async () => {
    const c = (cluster = NatsCluster.create(['Alice', 'Bob']))
    await expect(NatsNetwork.start({ ...c.networkOptions('Alice'), stream: 'has.dot' })).rejects.toThrow(InvalidOptionError)
    await expect(NatsNetwork.start({ ...c.networkOptions('Alice'), ackWaitMs: 5 })).rejects.toThrow(/ackWaitMs/)
    await expect(NatsNetwork.start({ ...c.networkOptions('Alice'), identity: { ...c.member('Bob').identity, name: 'Alice' } })).rejects.toThrow(
      /another public key/,
    )
    await expect(NatsNetwork.start({ ...c.networkOptions('Alice'), url: 'nats://127.0.0.1:1', connectTimeoutMs: 500 })).rejects.toThrow(NatsTransportError)
    const network = await start(c, 'Alice')
    network.attach('Alice', new RecordingEndpoint())
    expect(() => network.attach('Alice', new RecordingEndpoint())).toThrow(/already attached/)
    expect(() => network.attach('Bob', new RecordingEndpoint())).toThrow(/speaks for Alice/)
  })

  it('writes party names as subject tokens no two names share', () => {
    expect(partyToken('Alice')).toBe('Alice')
    expect(partyToken('Bank A.B')).toBe('Bank%20A%2EB')
    expect(partyToken('Bank_A-B')).toBe('Bank_A-B')
    expect(partyToken('Zürich')).toBe('Z%C3%BCrich')
    expect(partyToken('a.b')).not.toBe(partyToken('a b'))
  })
})
