/**
 * One authenticated TLS 1.3 connection between two nodes: the handshake (connection-handshake.ts) names and
 * authenticates the peer, the peer's TLS certificate must be of the key the network map lists for it
 * (certificate-pin.ts), then every batch frame is signed (batch-sender.ts) and checked
 * (batch-receiver.ts), so a frame cannot be forged, reflected, replayed within the connection or moved to
 * another one; TLS keeps all of it from being read on the way.
 *
 * What arrives is checked here and handed to the host; every refusal goes through `host.reject`, which
 * logs and counts it. The connection closes itself when the byte stream can no longer be trusted or
 * parsed; it drops single items of an authentic frame that are wrong (see reject-reason.ts).
 */
import type { TLSSocket } from 'node:tls'
import type { Envelope } from '../network/wire.js'
import { BatchReceiver } from './batch-receiver.js'
import { BatchSender } from './batch-sender.js'
import { certificateRefusal } from './certificate-pin.js'
import { ConnectionHandshake } from './connection-handshake.js'
import {
  BATCH_HEADER_BYTES,
  type Batch,
  FrameKind,
  FrameReader,
  HANDSHAKE_MAX_FRAME_BYTES,
  ITEM_HEADER_BYTES,
  ItemKind,
  type Role,
  decodeItems,
} from './frame-codec.js'
import type { NodeIdentity } from './identity.js'
import type { NetworkMap, PartyEntry } from './network-map.js'
import { receivedEnvelope } from './received-envelope.js'
import type { RejectReason } from './reject-reason.js'
import type { TlsCredentials } from './tls-credentials.js'
import type { WireLimits } from './wire-limits.js'

export type { RejectReason } from './reject-reason.js'

export interface ConnectionHost {
  readonly identity: NodeIdentity
  readonly map: NetworkMap
  /** What this node presents on its TLS links. */
  readonly tls: TlsCredentials
  readonly maxFrameBytes: number
  /** The largest values decoded from an envelope. */
  readonly limits: WireLimits
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
  readonly remoteAddress: string
  openedAt = 0
  /** When the peer last sent an authentic frame, or when the oldest unanswered envelope left, whichever is later. */
  private answeredAt = 0
  private state: State = 'handshake'
  private readonly reader = new FrameReader(HANDSHAKE_MAX_FRAME_BYTES)
  private readonly handshake: ConnectionHandshake
  /** Both exist once the handshake is done. */
  private sender: BatchSender | undefined
  private receiver: BatchReceiver | undefined
  /** Envelopes sent here and not yet acknowledged, by id (a count: the engine may send one twice). */
  private readonly unacknowledged = new Map<string, number>()
  private readonly handshakeTimer: NodeJS.Timeout

  constructor(
    private readonly host: ConnectionHost,
    private readonly socket: TLSSocket,
    readonly role: Role,
    /** The party a dialer expects to answer. */
    expected?: PartyEntry,
  ) {
    this.remoteAddress = `${socket.remoteAddress ?? expected?.host ?? '?'}:${socket.remotePort ?? expected?.port ?? '?'}`
    this.handshake = new ConnectionHandshake(host.identity, host.map, role, this.remoteAddress, expected)
    socket.setNoDelay(true)
    socket.setKeepAlive(true, 15_000)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    // 'close' follows; the host decides what a lost connection means. A failed TLS handshake is refused here.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (this.state === 'handshake' && (error.code === 'EPROTO' || error.code?.startsWith('ERR_SSL'))) this.refuse('bad-tls', error.message)
    })
    socket.on('close', () => this.onClose())
    this.handshakeTimer = setTimeout(() => {
      this.refuse('handshake-timeout', `no handshake within ${host.handshakeTimeoutMs} ms`)
    }, host.handshakeTimeoutMs)
    this.handshakeTimer.unref()
    this.write(this.handshake.hello(host.maxFrameBytes))
  }

  /** The authenticated party (after the handshake), or the party claimed in its hello. */
  get peer(): PartyEntry | undefined {
    return this.handshake.peer
  }

  /** The name the other side gave in its hello, listed in the map or not. */
  get claimed(): string | undefined {
    return this.handshake.claimed
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
    this.sender!.enqueue(item)
    return true
  }

  /** Largest envelope this connection can carry, in encoded bytes. */
  get maxEnvelopeBytes(): number {
    return this.payloadLimit() - ITEM_HEADER_BYTES
  }

  /** Acknowledges a delivered envelope; it leaves with the next batch (batch-sender.ts). */
  sendAck(id: string): void {
    if (this.state !== 'open') return
    this.sender!.ack(id)
  }

  close(): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    clearTimeout(this.handshakeTimer)
    this.sender?.stop()
    this.socket.destroy()
  }

  private payloadLimit(): number {
    return Math.min(this.host.maxFrameBytes, this.handshake.peerMaxFrameBytes) - BATCH_HEADER_BYTES
  }

  /** Handshake frames; batches are written by the sender. */
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
    const answer = this.handshake.onHello(body)
    if ('reason' in answer) return this.refuse(answer.reason, answer.detail)
    this.write(answer)
  }

  private onAuth(body: Buffer): void {
    const keys = this.handshake.onAuth(body)
    if ('reason' in keys) return this.refuse(keys.reason, keys.detail)
    const peer = this.handshake.peer!
    const pin = certificateRefusal(this.socket, peer)
    if (pin) return this.refuse(pin.reason, pin.detail)
    this.sender = new BatchSender(this.socket, this.host.identity.privateKey, keys, this.payloadLimit(), this.host)
    this.receiver = new BatchReceiver(peer, keys)
    this.state = 'open'
    this.openedAt = Date.now()
    this.reader.maxFrameBytes = this.host.maxFrameBytes
    clearTimeout(this.handshakeTimer)
    this.host.authenticated(this)
  }

  private onBatch(body: Buffer): void {
    if (this.state !== 'open') return this.refuse('bad-handshake', 'a batch before the handshake finished')
    const batch = this.receiver!.receive(body)
    if ('reason' in batch) return this.refuse(batch.reason, batch.detail)
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
      if (item.kind === ItemKind.ack) {
        this.onAck(item.content.toString('utf8'))
        continue
      }
      const envelope = receivedEnvelope(item, this.handshake.peer!.name, this.host.identity.name, this.host.limits)
      if ('reason' in envelope) this.host.reject(this, envelope.reason, envelope.detail)
      else this.host.envelope(this, envelope)
    }
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
    this.sender?.stop()
    this.host.closed(this)
  }
}
