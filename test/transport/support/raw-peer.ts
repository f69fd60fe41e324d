/**
 * A hand-written client of the node-to-node TCP protocol that can forge what an attacker would: it
 * speaks the handshake and signs batches itself, with any key, name, counter or connection tag, over TLS
 * with a certificate of any key (by default one of a fresh key no map lists).
 */
import { type KeyObject, randomBytes, sign } from 'node:crypto'
import { type Server, type Socket, createServer } from 'node:net'
import { TLSSocket, connect } from 'node:tls'
import {
  type Batch,
  FrameKind,
  FrameReader,
  type Hello,
  ItemKind,
  NONCE_BYTES,
  authTranscript,
  connectionTag,
  decodeBatch,
  decodeHello,
  decodeItems,
  encodeAuth,
  encodeBatch,
  encodeHello,
  encodeItem,
  framePrefix,
} from '../../../runtime/transport/frame-codec.js'
import { type NodeIdentity, generateIdentity } from '../../../runtime/transport/identity.js'
import { tlsCredentials } from '../../../runtime/transport/tls-credentials.js'

/** The certificate of a key that no network map lists, made once. */
const stranger = tlsCredentials(generateIdentity('Stranger'))

export class RawPeer {
  private readonly reader = new FrameReader(64 * 1024 * 1024)
  private readonly bodies: Buffer[] = []
  private waiters: (() => void)[] = []
  readonly closed: Promise<void>
  isClosed = false

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk)
      for (let body = this.reader.next(); Buffer.isBuffer(body); body = this.reader.next()) this.bodies.push(body)
      this.wake()
    })
    socket.on('error', () => {})
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.isClosed = true
        this.wake()
        resolve()
      }),
    )
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const resolve of waiters) resolve()
  }

  /**
   * Connects over TLS to a node on 127.0.0.1, presenting a certificate of `certificateOf`'s key (default: a key
   * no map lists), from `localAddress` when given (any 127.0.0.x works on Linux).
   */
  static async connect(port: number, certificateOf?: NodeIdentity, localAddress?: string): Promise<RawPeer> {
    const { secureContext } = certificateOf ? tlsCredentials(certificateOf) : stranger
    const socket = connect({ host: '127.0.0.1', port, secureContext, rejectUnauthorized: false, ...(localAddress ? { localAddress } : {}) })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    return new RawPeer(socket)
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  /** The next frame body the node sent; rejects if the connection closes first. */
  async nextFrame(ms = 10_000): Promise<Buffer> {
    const deadline = Date.now() + ms
    while (this.bodies.length === 0) {
      if (this.isClosed) throw new Error('the node closed the connection')
      if (Date.now() > deadline) throw new Error(`no frame within ${ms} ms`)
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        setTimeout(resolve, 50)
      })
    }
    return this.bodies.shift()!
  }

  /** Acknowledged envelope ids in the batches the node sent. */
  async nextAcks(ms = 10_000): Promise<string[]> {
    const body = await this.nextFrame(ms)
    if (body[0] !== FrameKind.batch) throw new Error(`expected a batch, got kind ${body[0]}`)
    const items = decodeItems((decodeBatch(body) as Batch).payload)
    if (typeof items === 'string') throw new Error(items)
    return items.filter((i) => i.kind === ItemKind.ack).map((i) => i.content.toString('utf8'))
  }

  close(): void {
    this.socket.destroy()
  }

  /** Sends a hello as `name` and waits for the node's hello. */
  async hello(name: string): Promise<{ nonce: Buffer; theirs: Hello }> {
    const nonce = randomBytes(NONCE_BYTES)
    this.write(encodeHello({ version: 1, maxFrameBytes: 1024 * 1024, nonce, name }))
    const body = await this.nextFrame()
    const theirs = decodeHello(body)
    if (typeof theirs === 'string') throw new Error(theirs)
    return { nonce, theirs }
  }

  /**
   * Completes the handshake as the dialer `identity.name`, signing with `signWith` (default its own key),
   * and returns a session that signs batches for this connection.
   */
  async handshake(identity: NodeIdentity, signWith: KeyObject = identity.privateKey): Promise<RawSession> {
    const { nonce, theirs } = await this.hello(identity.name)
    this.write(encodeAuth(sign(null, authTranscript('dialer', nonce, theirs.nonce, identity.name, theirs.name), signWith)))
    const auth = await this.nextFrame()
    if (auth[0] !== FrameKind.auth) throw new Error(`expected the node's signature, got kind ${auth[0]}`)
    return new RawSession(this, identity, nonce, theirs.nonce)
  }
}

export class RawSession {
  counter = 0
  readonly prefix: Buffer
  readonly tag: Buffer

  constructor(
    readonly peer: RawPeer,
    readonly identity: NodeIdentity,
    readonly dialerNonce: Buffer,
    readonly listenerNonce: Buffer,
  ) {
    this.prefix = framePrefix('dialer', dialerNonce, listenerNonce)
    this.tag = connectionTag(dialerNonce, listenerNonce)
  }

  /** A signed batch frame of these items for this connection (next counter unless given). */
  batch(items: Buffer[], options: { counter?: number; key?: KeyObject } = {}): Buffer {
    const counter = options.counter ?? ++this.counter
    return encodeBatch(options.key ?? this.identity.privateKey, this.prefix, this.tag, counter, Buffer.concat(items))
  }

  send(items: Buffer[], options: { counter?: number; key?: KeyObject } = {}): Buffer {
    const bytes = this.batch(items, options)
    this.peer.write(bytes)
    return bytes
  }
}

/**
 * A listener that completes the handshake as `identity` and then never answers: what a peer whose host
 * vanished looks like to the dialler. Counts the connections it got.
 */
export async function silentListener(port: number, identity: NodeIdentity): Promise<{ server: Server; connections: () => number }> {
  let connections = 0
  const { secureContext } = tlsCredentials(identity)
  const server = createServer((socket) => {
    connections++
    const peer = new RawPeer(new TLSSocket(socket, { isServer: true, secureContext, requestCert: true, rejectUnauthorized: false }))
    const nonce = randomBytes(NONCE_BYTES)
    peer.write(encodeHello({ version: 1, maxFrameBytes: 1024 * 1024, nonce, name: identity.name }))
    void peer.nextFrame().then(
      (body) => {
        const theirs = decodeHello(body)
        if (typeof theirs === 'string') throw new Error(theirs)
        peer.write(encodeAuth(sign(null, authTranscript('listener', theirs.nonce, nonce, theirs.name, identity.name), identity.privateKey)))
      },
      () => {},
    )
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { server, connections: () => connections }
}

export const envelopeItem = (value: unknown) => encodeItem(ItemKind.envelope, Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8'))
export const ackItem = (id: string) => encodeItem(ItemKind.ack, Buffer.from(id, 'utf8'))
