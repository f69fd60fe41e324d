/**
 * TcpNetwork against endpoints that record what the transport does: acknowledgements only after a
 * resolved deliver, peerAvailable in both directions, detach, payload fidelity, frame limits, start errors.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Endpoint, Envelope } from '../../runtime/network/index.js'
import { TcpNetwork, generateIdentity, parseNetworkMap, publicKeyText } from '../../runtime/transport/index.js'
import { RawPeer } from './support/raw-peer.js'
import { TcpCluster, eventually, recordingLogger } from './support/tcp-cluster.js'

let cluster: TcpCluster | undefined
afterEach(async () => {
  await cluster?.stopAll()
  cluster = undefined
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** An endpoint that records calls; `accept` decides whether a delivery is processed. */
class RecordingEndpoint implements Endpoint {
  readonly delivered: Envelope[] = []
  readonly acknowledged_: [string, string][] = []
  readonly available: string[] = []
  accept: (envelope: Envelope) => boolean = () => true
  onAvailable: (party: string) => void = () => {}

  async deliver(envelope: Envelope): Promise<void> {
    await sleep(1)
    if (!this.accept(envelope)) throw new Error('not processed')
    this.delivered.push(envelope)
  }
  acknowledged(id: string, to: string): void {
    this.acknowledged_.push([id, to])
  }
  peerAvailable(party: string): void {
    this.available.push(party)
    this.onAvailable(party)
  }
}

async function pair(network: { maxFrameBytes?: number } = {}) {
  const c = (cluster = await TcpCluster.create(['Alice', 'Bob']))
  const start = async (name: string) => {
    const member = c.member(name)
    member.network = await TcpNetwork.start({
      identity: member.identity,
      map: c.map,
      listen: { host: '127.0.0.1', port: member.port },
      logger: member.log,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
      ...network,
    })
    return member.network
  }
  return { alice: await start('Alice'), bob: await start('Bob') }
}

const envelope = (id: string, payload: unknown = id): Envelope => ({
  id,
  from: 'Alice',
  to: 'Bob',
  body: { t: 'data', session: 's1', dir: 'i', seq: 1, frame: { kind: 'data', label: 'x', payload } },
})

describe('TcpNetwork', () => {
  it('acknowledges only after deliver resolved; a rejected deliver is sent again and then acknowledged', async () => {
    const { alice, bob } = await pair()
    const a = new RecordingEndpoint()
    const b = new RecordingEndpoint()
    let refusals = 1
    b.accept = () => refusals-- <= 0
    const aPort = alice.attach('Alice', a)
    bob.attach('Bob', b)
    const message = envelope('m1')
    a.onAvailable = () => aPort.send(message) // as the engine does
    aPort.send(message) // dials; not sent until the connection is authenticated
    await eventually(() => a.available.includes('Bob'), 20_000, "Bob's link")
    await sleep(300)
    expect(b.delivered).toEqual([])
    expect(a.acknowledged_).toEqual([])
    expect(bob.stats.deliverFailures).toBe(1)
    aPort.send(message) // the engine's redelivery timer
    await eventually(() => a.acknowledged_.length === 1, 20_000, 'the acknowledgement')
    expect(a.acknowledged_).toEqual([['m1', 'Bob']])
    expect(b.delivered).toEqual([message])
    // Bob heard of Alice when her connection authenticated.
    expect(b.available).toContain('Alice')
  })

  it('carries payloads the in-memory network keeps: bigint, Date, Map, Set, bytes, $-keys', async () => {
    const { alice, bob } = await pair()
    const a = new RecordingEndpoint()
    const b = new RecordingEndpoint()
    const port = alice.attach('Alice', a)
    bob.attach('Bob', b)
    const image = new Uint8Array(200_000).map((_, i) => i % 251)
    const payload = {
      amount: 10n ** 30n,
      at: new Date(1_700_000_000_000),
      tags: new Set(['x']),
      index: new Map([[1, 'one']]),
      bytes: new Uint8Array([0, 255]),
      image,
      odd: { $bigint: 'not a tag' },
      list: [undefined, null],
    }
    a.onAvailable = () => port.send(envelope('p1', payload))
    port.send(envelope('p1', payload))
    await eventually(() => b.delivered.length === 1, 20_000, 'the delivery')
    expect(b.delivered[0]).toEqual(envelope('p1', payload))
    // The large array went as raw bytes beside the JSON, not as base64 (which would be 267 kB).
    expect(alice.stats.bytesSent).toBeLessThan(210_000)
  })

  it('stops delivering after detach and delivers to the next endpoint attached', async () => {
    const { alice, bob } = await pair()
    const a = new RecordingEndpoint()
    const first = new RecordingEndpoint()
    const port = alice.attach('Alice', a)
    const bobPort = bob.attach('Bob', first)
    let pending: Envelope | undefined
    a.onAvailable = () => pending && port.send(pending)
    pending = envelope('d1')
    port.send(pending)
    await eventually(() => first.delivered.length === 1, 20_000, 'the first delivery')
    expect(() => bob.attach('Bob', new RecordingEndpoint())).toThrow(/already attached/)
    bobPort.detach()
    pending = envelope('d2')
    port.send(pending)
    await sleep(300)
    expect(first.delivered.map((e) => e.id)).toEqual(['d1'])
    const second = new RecordingEndpoint()
    bob.attach('Bob', second)
    port.send(pending)
    await eventually(() => second.delivered.length === 1, 20_000, 'the delivery after re-attaching')
    expect(first.delivered.map((e) => e.id)).toEqual(['d1'])
  })

  it('splits a burst into frames within the limit and does not send an envelope over it', async () => {
    const { alice, bob } = await pair({ maxFrameBytes: 64 * 1024 })
    const a = new RecordingEndpoint()
    const b = new RecordingEndpoint()
    const port = alice.attach('Alice', a)
    bob.attach('Bob', b)
    const burst = Array.from({ length: 20 }, (_, i) => envelope(`b${i}`, 'x'.repeat(10_000)))
    const huge = envelope('huge', 'x'.repeat(100_000))
    a.onAvailable = () => {
      for (const e of [...burst, huge]) port.send(e)
    }
    port.send(burst[0]!)
    await eventually(() => a.acknowledged_.length === 20, 20_000, 'twenty acknowledgements')
    expect(b.delivered.map((e) => e.id).sort()).toEqual(burst.map((e) => e.id).sort())
    expect(alice.stats.framesSent).toBeGreaterThanOrEqual(4) // 200 kB in frames of at most 64 KiB
    expect(bob.stats.rejected).toEqual({})
    port.send(huge)
    const errors = cluster!.member('Alice').log.lines.filter((l) => l.level === 'error')
    expect(errors).toHaveLength(1) // reported once, though sent twice
    expect(errors[0]!.message).toMatch(/huge.*over the frame limit.*raise maxFrameBytes/)
  })

  it('refuses to attach another party and to start with an identity the map does not list', async () => {
    const { alice } = await pair()
    expect(() => alice.attach('Bob', new RecordingEndpoint())).toThrow(/speaks for Alice, not Bob/)
    const stranger = generateIdentity('Carol')
    await expect(TcpNetwork.start({ identity: stranger, map: cluster!.map, listen: { host: '127.0.0.1', port: 0 } })).rejects.toThrow(
      /no party named Carol.*add \{ "name": "Carol"/,
    )
    const impostor = generateIdentity('Alice')
    await expect(TcpNetwork.start({ identity: impostor, map: cluster!.map, listen: { host: '127.0.0.1', port: 0 } })).rejects.toThrow(
      new RegExp(`another public key for Alice.*${publicKeyText(impostor).slice(0, 20).replace(/[+/]/g, '.')}`),
    )
    const bob = cluster!.member('Bob')
    await expect(
      TcpNetwork.start({ identity: bob.identity, map: cluster!.map, listen: { host: '127.0.0.1', port: alice.address.port }, logger: recordingLogger() }),
    ).rejects.toThrow(/Bob cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\); free the port/)
  })

  it('listens on a free port when asked for port 0 and reports it', async () => {
    const alice = generateIdentity('Alice')
    const map = parseNetworkMap({ parties: [{ name: 'Alice', address: '127.0.0.1:1', publicKey: publicKeyText(alice) }] })
    const network = await TcpNetwork.start({ identity: alice, map, listen: { host: '127.0.0.1', port: 0 } })
    expect(network.address.host).toBe('127.0.0.1')
    expect(network.address.port).toBeGreaterThan(0)
    await network.close()
    await network.close() // twice is fine
    expect(() => network.attach('Alice', new RecordingEndpoint())).toThrow(/closed; start a new TcpNetwork/)
  })

  it('refuses connections beyond 16 unfinished handshakes from one address and keeps serving authenticated peers', async () => {
    const { alice, bob } = await pair()
    const a = new RecordingEndpoint()
    const b = new RecordingEndpoint()
    const port = alice.attach('Alice', a)
    bob.attach('Bob', b)
    let pending = envelope('before-flood')
    a.onAvailable = () => port.send(pending)
    port.send(pending)
    await eventually(() => b.delivered.length === 1, 20_000, 'the first delivery')
    const idle = await Promise.all(Array.from({ length: 16 }, () => RawPeer.connect(cluster!.member('Bob').port)))
    const extra = await RawPeer.connect(cluster!.member('Bob').port)
    await extra.closed
    expect(bob.stats.rejected.busy).toBe(1)
    pending = envelope('during-flood')
    port.send(pending) // Alice's authenticated connection is not affected
    await eventually(() => b.delivered.length === 2, 20_000, 'the delivery during the flood')
    for (const raw of idle) raw.close()
  })
})
