/**
 * One authenticated TCP connection between two nodes. Both sides send a hello with a fresh nonce, then
 * sign (both nonces, both names, their role) with their Ed25519 key; the other side checks the signature
 * with the key the network map lists for the named party. After that every batch frame is signed over
 * (both nonces, the sender's role, a counter that rises with every frame, the payload) and checked in
 * the same way, so a frame cannot be forged, reflected, replayed within the connection or moved to
 * another one.
 *
 * What arrives is checked here and handed to the host; every refusal goes through `host.reject`, which
 * logs and counts it. The connection closes itself when the byte stream can no longer be trusted or
 * parsed; it drops single items of an authentic frame that are wrong (see tcp-network.ts).
 */
import { randomBytes, sign, verify } from 'node:crypto'
import type { Socket } from 'node:net'
import type { Envelope } from '../network/wire.js'
import {
  BATCH_HEADER_BYTES,
  type Batch,
  type Item,
  FrameKind,
  FrameReader,
  HANDSHAKE_MAX_FRAME_BYTES,
  ITEM_HEADER_BYTES,
  ItemKind,
  NONCE_BYTES,
  PROTOCOL_VERSION,
  type Role,
  SIGNATURE_BYTES,
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
  verifyBatch,
} from './frame-codec.js'
import type { NodeIdentity } from './identity.js'
import type { NetworkMap, PartyEntry } from './network-map.js'
import { checkEnvelope } from './wire-schema.js'
import { decodeEnvelopeItem } from './envelope-codec.js'
import { WireJsonError } from './wire-json.js'

/** How long an acknowledgement may wait to share a signed frame with other items. */
const ACK_DELAY_MS = 3

/** Why something that arrived was refused; the keys of `stats.rejected`. */
export type RejectReason =
  | 'unknown-party'
  | 'bad-handshake'
  | 'handshake-timeout'
  | 'bad-signature'
  | 'oversized'
  | 'malformed'
  | 'schema'
  | 'wrong-sender'
  | 'wrong-recipient'
  | 'replayed-counter'
  | 'replayed-connection'
  | 'unexpected-ack'
  | 'busy'

export interface ConnectionHost {
  readonly identity: NodeIdentity
  readonly map: NetworkMap
  readonly maxFrameBytes: number
  readonly handshakeTimeoutMs: number
  /** Bytes queued in a socket beyond which envelopes are not sent (the engine re-sends them). */
  readonly highWaterBytes: number
  reject(connection: Connection, reason: RejectReason, detail: string): void
  authenticated(connection: Connection): void
  envelope(connection: Connection, envelope: Envelope): void
  acknowledged(connection: Connection, id: string): void
  closed(connection: Connection): void
  counted(event: 'framesSent' | 'framesReceived' | 'bytesSent' | 'bytesReceived', n: number): void
}

type State = 'handshake' | 'open' | 'closed'

export class Connection {
  /** The authenticated party (after the handshake), or the party claimed in its hello. */
  peer: PartyEntry | undefined
  /** The name the other side gave in its hello, listed in the map or not. */
  claimed: string | undefined
  readonly remoteAddress: string
  openedAt = 0
  /** When the peer last sent an authentic frame, or when the oldest unanswered envelope left, whichever is later. */
  private answeredAt = 0
  private state: State = 'handshake'
  private readonly reader = new FrameReader(HANDSHAKE_MAX_FRAME_BYTES)
  private readonly nonce = randomBytes(NONCE_BYTES)
  private peerNonce: Buffer | undefined
  private peerMaxFrameBytes = 0
  private sendPrefix: Buffer | undefined
  private receivePrefix: Buffer | undefined
  private tag: Buffer | undefined
  private sendCounter = 0
  private receiveCounter = 0
  private queue: Buffer[] = []
  private flushScheduled = false
  private ackTimer: NodeJS.Timeout | undefined
  /** Envelopes sent here and not yet acknowledged, by id (a count: the engine may send one twice). */
  private readonly unacknowledged = new Map<string, number>()
  private readonly handshakeTimer: NodeJS.Timeout

  constructor(
    private readonly host: ConnectionHost,
    private readonly socket: Socket,
    readonly role: Role,
    /** The party a dialer expects to answer. */
    expected?: PartyEntry,
  ) {
    this.peer = expected
    this.remoteAddress = `${socket.remoteAddress ?? expected?.host ?? '?'}:${socket.remotePort ?? expected?.port ?? '?'}`
    socket.setNoDelay(true)
    socket.setKeepAlive(true, 15_000)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', () => {}) // 'close' follows; the host decides what a lost connection means
    socket.on('close', () => this.onClose())
    this.handshakeTimer = setTimeout(() => {
      this.refuse('handshake-timeout', `no handshake within ${host.handshakeTimeoutMs} ms`)
    }, host.handshakeTimeoutMs)
    this.handshakeTimer.unref()
    this.write(encodeHello({ version: PROTOCOL_VERSION, maxFrameBytes: host.maxFrameBytes, nonce: this.nonce, name: host.identity.name }))
  }

  get isOpen(): boolean {
    return this.state === 'open'
  }

  get isClosed(): boolean {
    return this.state === 'closed'
  }

  /** Envelopes sent on this connection that the peer has not acknowledged. */
  get inFlight(): number {
    return this.unacknowledged.size
  }

  /**
   * True when envelopes have waited `ms` for an answer and the peer sent nothing meanwhile: the peer's
   * host may be gone without closing the connection (a power loss or a partition leaves no FIN).
   */
  silentFor(ms: number, now = Date.now()): boolean {
    return this.state === 'open' && this.unacknowledged.size > 0 && now - this.answeredAt > ms
  }

  /** Queues an envelope item (envelope-codec.ts) for the next batch; false when it cannot go now. */
  sendEnvelope(id: string, item: Buffer): boolean {
    if (this.state !== 'open' || this.socket.writableLength > this.host.highWaterBytes) return false
    if (item.length > this.payloadLimit()) return false
    if (this.unacknowledged.size === 0) this.answeredAt = Date.now()
    this.unacknowledged.set(id, (this.unacknowledged.get(id) ?? 0) + 1)
    this.enqueue(item)
    return true
  }

  /** Largest envelope this connection can carry, in encoded bytes. */
  get maxEnvelopeBytes(): number {
    return this.payloadLimit() - ITEM_HEADER_BYTES
  }

  /**
   * Acknowledgements wait up to ACK_DELAY_MS for company: they leave with the next envelopes sent on this
   * connection or with later acknowledgements, so an acknowledgement rarely costs a signature of its own
   * and never delays the reply the peer is waiting for. The sender only needs them before it re-sends.
   */
  sendAck(id: string): void {
    if (this.state !== 'open') return
    this.queue.push(encodeItem(ItemKind.ack, Buffer.from(id, 'utf8')))
    if (this.flushScheduled || this.ackTimer) return
    this.ackTimer = setTimeout(() => this.flush(), ACK_DELAY_MS)
  }

  close(): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    clearTimeout(this.handshakeTimer)
    clearTimeout(this.ackTimer)
    this.socket.destroy()
  }

  // ---- sending ----

  private payloadLimit(): number {
    return Math.min(this.host.maxFrameBytes, this.peerMaxFrameBytes) - BATCH_HEADER_BYTES
  }

  private enqueue(item: Buffer): void {
    this.queue.push(item)
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => this.flush())
  }

  /** Everything queued in this turn of the event loop leaves in as few signed frames as fit. */
  private flush(): void {
    this.flushScheduled = false
    if (this.ackTimer) {
      clearTimeout(this.ackTimer)
      this.ackTimer = undefined
    }
    if (this.state !== 'open' || this.queue.length === 0) return
    const items = this.queue
    this.queue = []
    const limit = this.payloadLimit()
    this.socket.cork()
    let start = 0
    let size = 0
    for (let i = 0; i < items.length; i++) {
      const length = items[i]!.length
      if (size + length > limit && i > start) {
        this.writeBatch(items.slice(start, i), size)
        start = i
        size = 0
      }
      size += length
    }
    this.writeBatch(items.slice(start), size)
    this.socket.uncork()
  }

  private writeBatch(items: Buffer[], size: number): void {
    const payload = items.length === 1 ? items[0]! : Buffer.concat(items, size)
    const bytes = encodeBatch(this.host.identity.privateKey, this.sendPrefix!, this.tag!, ++this.sendCounter, payload)
    this.write(bytes)
    this.host.counted('framesSent', 1)
  }

  private write(bytes: Buffer): void {
    if (this.state === 'closed') return
    this.socket.write(bytes)
    this.host.counted('bytesSent', bytes.length)
  }

  // ---- receiving ----

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return
    this.host.counted('bytesReceived', chunk.length)
    this.reader.push(chunk)
    for (;;) {
      const next = this.reader.next()
      if (next === undefined) return
      if (!Buffer.isBuffer(next)) {
        this.refuse('oversized', `a frame of ${next.oversized} bytes is over the limit of ${this.reader.maxFrameBytes}`)
        return
      }
      this.onFrame(next)
      if (this.isClosed) return
    }
  }

  private onFrame(body: Buffer): void {
    switch (body[0]) {
      case FrameKind.hello:
        return this.onHello(body)
      case FrameKind.auth:
        return this.onAuth(body)
      case FrameKind.batch:
        return this.onBatch(body)
      default:
        return this.refuse('malformed', body.length === 0 ? 'an empty frame' : `a frame of unknown kind ${body[0]}`)
    }
  }

  private onHello(body: Buffer): void {
    if (this.peerNonce) return this.refuse('bad-handshake', 'a second hello')
    const hello = decodeHello(body)
    if (typeof hello === 'string') return this.refuse('bad-handshake', hello)
    if (hello.version !== PROTOCOL_VERSION) return this.refuse('bad-handshake', `protocol version ${hello.version}; this node speaks version ${PROTOCOL_VERSION}, upgrade the older node`)
    if (hello.maxFrameBytes < 1024) return this.refuse('bad-handshake', `a frame limit of ${hello.maxFrameBytes} bytes is too small to carry anything`)
    this.claimed = hello.name
    if (hello.name === this.host.identity.name) return this.refuse('bad-handshake', `the peer claims to be this node (${hello.name})`)
    if (this.role === 'dialer') {
      if (hello.name !== this.peer!.name) return this.refuse('bad-handshake', `${this.remoteAddress} answered as ${hello.name}, but the network map lists it for ${this.peer!.name}; fix the address in the map`)
    } else {
      const entry = this.host.map.party(hello.name)
      if (!entry) return this.refuse('unknown-party', `${JSON.stringify(hello.name)} is not in the network map`)
      this.peer = entry
    }
    this.peerNonce = hello.nonce
    this.peerMaxFrameBytes = hello.maxFrameBytes
    const signature = sign(null, this.transcript(this.role), this.host.identity.privateKey)
    this.write(encodeAuth(signature))
  }

  private onAuth(body: Buffer): void {
    if (!this.peerNonce) return this.refuse('bad-handshake', 'a signature before the hello')
    if (this.state === 'open') return this.refuse('bad-handshake', 'a second handshake signature')
    if (body.length !== 1 + SIGNATURE_BYTES) return this.refuse('bad-handshake', `a handshake signature of ${body.length - 1} bytes`)
    const peerRole: Role = this.role === 'dialer' ? 'listener' : 'dialer'
    if (!verify(null, this.transcript(peerRole), this.peer!.key, body.subarray(1))) {
      return this.refuse('bad-signature', `the handshake is not signed with the key the network map lists for ${this.peer!.name}`)
    }
    const [dialerNonce, listenerNonce] = this.nonces()
    this.sendPrefix = framePrefix(this.role, dialerNonce, listenerNonce)
    this.receivePrefix = framePrefix(peerRole, dialerNonce, listenerNonce)
    this.tag = connectionTag(dialerNonce, listenerNonce)
    this.state = 'open'
    this.openedAt = Date.now()
    this.reader.maxFrameBytes = this.host.maxFrameBytes
    clearTimeout(this.handshakeTimer)
    this.host.authenticated(this)
  }

  private onBatch(body: Buffer): void {
    if (this.state !== 'open') return this.refuse('bad-handshake', 'a batch before the handshake finished')
    const batch = decodeBatch(body)
    if (typeof batch === 'string') return this.refuse('malformed', batch)
    if (!batch.tag.equals(this.tag!)) return this.refuse('replayed-connection', 'a frame signed for another connection')
    if (batch.counter <= this.receiveCounter) return this.refuse('replayed-counter', `frame counter ${batch.counter} after ${this.receiveCounter}`)
    if (!verifyBatch(this.peer!.key, this.receivePrefix!, batch)) return this.refuse('bad-signature', `a frame not signed with the key the network map lists for ${this.peer!.name}`)
    this.receiveCounter = batch.counter
    this.host.counted('framesReceived', 1)
    this.answeredAt = Date.now()
    this.onItems(batch)
  }

  private onItems(batch: Batch): void {
    const items = decodeItems(batch.payload)
    if (typeof items === 'string') {
      this.host.reject(this, 'malformed', `a signed frame whose items do not parse (${items}); the frame is dropped`)
      return
    }
    for (const item of items) {
      if (!this.isOpen) return
      if (item.kind === ItemKind.ack) this.onAck(item.content.toString('utf8'))
      else this.onEnvelope(item)
    }
  }

  private onEnvelope(item: Item): void {
    let value: unknown
    try {
      value = decodeEnvelopeItem(item)
    } catch (error) {
      if (!(error instanceof WireJsonError)) throw error
      return this.host.reject(this, 'malformed', `an envelope that is ${error.message}`)
    }
    const checked = checkEnvelope(value)
    if (!checked.ok) return this.host.reject(this, 'schema', `an envelope that does not match the wire schema (${checked.reason})`)
    const envelope = checked.envelope
    if (envelope.from !== this.peer!.name) return this.host.reject(this, 'wrong-sender', `envelope ${envelope.id} claims to come from ${envelope.from}`)
    if (envelope.to !== this.host.identity.name) return this.host.reject(this, 'wrong-recipient', `envelope ${envelope.id} is addressed to ${envelope.to}`)
    this.host.envelope(this, envelope)
  }

  private onAck(id: string): void {
    const count = this.unacknowledged.get(id)
    if (count === undefined) return this.host.reject(this, 'unexpected-ack', `an acknowledgement of ${id}, which was not sent on this connection`)
    if (count > 1) this.unacknowledged.set(id, count - 1)
    else this.unacknowledged.delete(id)
    this.host.acknowledged(this, id)
  }

  /** Refuses what arrived and closes: the stream cannot be trusted (or parsed) any more. */
  private refuse(reason: RejectReason, detail: string): void {
    if (this.state === 'closed') return
    this.host.reject(this, reason, detail)
    this.close()
  }

  private onClose(): void {
    this.state = 'closed'
    clearTimeout(this.handshakeTimer)
    clearTimeout(this.ackTimer)
    this.queue = []
    this.host.closed(this)
  }

  private nonces(): [dialer: Buffer, listener: Buffer] {
    return this.role === 'dialer' ? [this.nonce, this.peerNonce!] : [this.peerNonce!, this.nonce]
  }

  private transcript(signer: Role): Buffer {
    const [dialerNonce, listenerNonce] = this.nonces()
    const me = this.host.identity.name
    const peer = this.peer!.name
    const [dialerName, listenerName] = this.role === 'dialer' ? [me, peer] : [peer, me]
    return authTranscript(signer, dialerNonce, listenerNonce, dialerName, listenerName)
  }
}
