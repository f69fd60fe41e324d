/**
 * Nothing crosses the wire in clear, and a TLS link is only with the key the network map lists: a passive
 * observer between two nodes sees no payload, a relay that terminates TLS with its own certificate is
 * refused by both nodes, a listed party presenting a certificate of another key is refused, and a client
 * without TLS 1.3 is refused.
 */
import { type Server, type Socket, connect as tcpConnect, createServer } from 'node:net'
import { TLSSocket, connect as tlsConnect } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import type { Envelope } from '../../runtime/network/index.js'
import { encodeHello } from '../../runtime/transport/frame-codec.js'
import { TcpNetwork, generateIdentity, parseNetworkMap, publicKeyText } from '../../runtime/transport/index.js'
import { tlsCredentials } from '../../runtime/transport/tls-credentials.js'
import { recordingEndpoint } from '../network/support/recording-endpoint.js'
import { RawPeer } from './support/raw-peer.js'
import { eventually, freePort, recordingLogger } from './support/tcp-cluster.js'

const MARKER = 'colloquy-marker-7f3a9c-the-payload-in-clear'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

let cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const step of cleanup.reverse()) await step()
  cleanup = []
})

/** Alice and Bob; the map lists Bob at `bobMapPort` (a proxy's port), while he listens on his own. */
async function nodes(bobMapPort?: (bobPort: number) => Promise<number>) {
  const alice = generateIdentity('Alice')
  const bob = generateIdentity('Bob')
  const mallory = generateIdentity('Mallory')
  const [alicePort, bobPort] = [await freePort(), await freePort()]
  const mapped = bobMapPort ? await bobMapPort(bobPort) : bobPort
  const map = parseNetworkMap({
    parties: [
      { name: 'Alice', address: `127.0.0.1:${alicePort}`, publicKey: publicKeyText(alice) },
      { name: 'Bob', address: `127.0.0.1:${mapped}`, publicKey: publicKeyText(bob) },
      { name: 'Mallory', address: '127.0.0.1:1', publicKey: publicKeyText(mallory) },
    ],
  })
  const start = async (identity: typeof alice, port: number) => {
    const log = recordingLogger()
    const network = await TcpNetwork.start({
      identity,
      map,
      listen: { host: '127.0.0.1', port },
      logger: log,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    })
    cleanup.push(() => network.close())
    return { network, log }
  }
  return { a: await start(alice, alicePort), b: await start(bob, bobPort), mallory }
}

/** A TCP server on `port` that hands each accepted socket to `onSocket`. */
async function serve(onSocket: (socket: Socket) => void): Promise<number> {
  const server: Server = createServer(onSocket)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return (server.address() as { port: number }).port
}

/** Passes bytes both ways between `client` and `server`, recording each chunk. */
function pipeBoth(client: Socket, server: Socket, recorded: Buffer[], sockets: Socket[]): void {
  sockets.push(client, server)
  for (const [from, to] of [
    [client, server],
    [server, client],
  ] as const) {
    from.on('data', (chunk: Buffer) => {
      recorded.push(Buffer.from(chunk))
      to.write(chunk)
    })
    from.on('error', () => to.destroy())
    from.on('close', () => to.destroy())
  }
}

function destroyAll(sockets: Socket[]): void {
  for (const socket of sockets) socket.destroy()
}

const envelope = (id: string): Envelope => ({
  id,
  from: 'Alice',
  to: 'Bob',
  body: { t: 'data', session: 's1', dir: 'i', seq: 1, frame: { kind: 'data', label: 'x', payload: { secret: MARKER } } },
})

describe('TLS peer links', () => {
  it('show a passive observer between two nodes no payload', async () => {
    const recorded: Buffer[] = []
    const sockets: Socket[] = []
    const { a, b } = await nodes((bobPort) =>
      serve((client) => {
        const server = tcpConnect({ host: '127.0.0.1', port: bobPort })
        pipeBoth(client, server, recorded, sockets)
      }),
    )
    cleanup.push(() => destroyAll(sockets))
    const bobEnd = recordingEndpoint()
    b.network.attach('Bob', bobEnd)
    const aliceEnd = recordingEndpoint()
    const alicePort = a.network.attach('Alice', aliceEnd)
    alicePort.send(envelope('e1')) // dials Bob; sent again once he is reachable, as the engine does
    await eventually(() => aliceEnd.peers.includes('Bob'), 20_000, 'the link to Bob')
    alicePort.send(envelope('e1'))
    await eventually(() => bobEnd.delivered.includes('e1'), 20_000, 'the delivery through the observer')
    expect(bobEnd.envelopes[0]!.body).toMatchObject({ frame: { payload: { secret: MARKER } } })
    const bytes = Buffer.concat(recorded)
    expect(bytes.length).toBeGreaterThan(MARKER.length)
    expect(bytes.includes(MARKER)).toBe(false)
    expect(bytes.includes('"from":"Alice"')).toBe(false)
    expect(bytes.subarray(0, 1)[0]).toBe(0x16) // a TLS handshake record opens the stream
  })

  it('are refused by both nodes when a relay terminates TLS with its own certificate', async () => {
    const relay = tlsCredentials(generateIdentity('Relay'))
    const decrypted: Buffer[] = []
    const sockets: Socket[] = []
    const { a, b } = await nodes((bobPort) =>
      serve((raw) => {
        const client = new TLSSocket(raw, { isServer: true, secureContext: relay.secureContext, requestCert: true, rejectUnauthorized: false })
        const server = tlsConnect({ host: '127.0.0.1', port: bobPort, secureContext: relay.secureContext, rejectUnauthorized: false })
        pipeBoth(client, server, decrypted, sockets)
      }),
    )
    cleanup.push(() => destroyAll(sockets))
    const bobEnd = recordingEndpoint()
    b.network.attach('Bob', bobEnd)
    a.network.attach('Alice', recordingEndpoint()).send(envelope('e1'))
    await eventually(
      () => (a.network.stats.rejected['bad-certificate'] ?? 0) > 0 && (b.network.stats.rejected['bad-certificate'] ?? 0) > 0,
      20_000,
      'both nodes refusing the relay',
    )
    expect(a.log.lines.find((line) => line.fields?.reason === 'bad-certificate')?.fields).toMatchObject({ party: 'Bob' })
    expect(b.log.lines.find((line) => line.fields?.reason === 'bad-certificate')?.fields).toMatchObject({ party: 'Alice' })
    await sleep(200)
    expect(bobEnd.delivered).toEqual([])
    expect(a.network.stats.authenticated + b.network.stats.authenticated).toBe(0)
    expect(Buffer.concat(decrypted).includes(MARKER)).toBe(false)
  })

  it('refuse a listed party presenting a certificate of another key, even with its handshake signed right', async () => {
    const { b, mallory } = await nodes()
    const bobPort = b.network.address.port
    const stranger = await RawPeer.connect(bobPort) // a certificate of a key no map lists
    await stranger.handshake(mallory).catch(() => {})
    await stranger.closed
    expect(b.network.stats.rejected['bad-certificate']).toBe(1)
    expect(b.log.lines.find((line) => line.fields?.reason === 'bad-certificate')?.fields).toMatchObject({ party: 'Mallory' })
    // The same party with a certificate of its own key is let in.
    const own = await RawPeer.connect(bobPort, mallory)
    await own.handshake(mallory)
    await eventually(() => b.network.stats.authenticated === 1, 20_000, 'the authenticated connection')
    own.close()
  })

  it('refuse a client speaking plain TCP or a TLS version before 1.3', async () => {
    const { b } = await nodes()
    const port = b.network.address.port
    const plain = tcpConnect({ host: '127.0.0.1', port })
    plain.on('error', () => {})
    plain.write(encodeHello({ version: 1, maxFrameBytes: 1024 * 1024, nonce: Buffer.alloc(32, 1), name: 'Alice' }))
    await new Promise((resolve) => plain.on('close', resolve))
    const old = tlsConnect({ host: '127.0.0.1', port, maxVersion: 'TLSv1.2', rejectUnauthorized: false })
    old.on('error', () => {})
    await new Promise((resolve) => old.on('close', resolve))
    await eventually(() => b.network.stats.rejected['bad-tls'] === 2, 20_000, 'two TLS refusals')
    expect(b.log.lines.filter((line) => line.fields?.reason === 'bad-tls')).toHaveLength(2)
    expect(b.network.stats.authenticated).toBe(0)
  })
})
