/**
 * The handshake of one connection. Both sides send a hello with a fresh nonce, then sign (both nonces,
 * both names, their role) with their Ed25519 key; the other side checks the signature with the key the
 * network map lists for the named party. Its result are the keys of the connection's batch frames: what
 * each direction's signatures cover besides counter and payload, and the tag naming this pair of nonces,
 * so a frame cannot be reflected or moved to another connection.
 */
import { randomBytes, sign, verify } from 'node:crypto'
import {
  NONCE_BYTES,
  PROTOCOL_VERSION,
  type Role,
  SIGNATURE_BYTES,
  authTranscript,
  connectionTag,
  decodeHello,
  encodeAuth,
  encodeHello,
  framePrefix,
} from './frame-codec.js'
import type { NodeIdentity } from './identity.js'
import type { NetworkMap, PartyEntry } from './network-map.js'
import { type Refusal, refusal } from './reject-reason.js'

/** What an authenticated connection signs and checks its batch frames with. */
export interface SessionKeys {
  readonly sendPrefix: Buffer
  readonly receivePrefix: Buffer
  readonly tag: Buffer
}

export class ConnectionHandshake {
  /** The authenticated party (after the handshake), or the party claimed in its hello. */
  peer: PartyEntry | undefined
  /** The name the other side gave in its hello, listed in the map or not. */
  claimed: string | undefined
  /** The frame limit the peer announced in its hello; 0 before. */
  peerMaxFrameBytes = 0
  private readonly nonce = randomBytes(NONCE_BYTES)
  private peerNonce: Buffer | undefined
  private done = false

  constructor(
    private readonly identity: NodeIdentity,
    private readonly map: NetworkMap,
    readonly role: Role,
    private readonly remoteAddress: string,
    /** The party a dialer expects to answer. */
    expected?: PartyEntry,
  ) {
    this.peer = expected
  }

  /** This side's hello frame, sent as soon as the socket exists. */
  hello(maxFrameBytes: number): Buffer {
    return encodeHello({ version: PROTOCOL_VERSION, maxFrameBytes, nonce: this.nonce, name: this.identity.name })
  }

  /** Checks the peer's hello; the answer is this side's signature frame, or why the hello is refused. */
  onHello(body: Buffer): Buffer | Refusal {
    if (this.peerNonce) return refusal('bad-handshake', 'a second hello')
    const hello = decodeHello(body)
    if (typeof hello === 'string') return refusal('bad-handshake', hello)
    if (hello.version !== PROTOCOL_VERSION) {
      return refusal('bad-handshake', `protocol version ${hello.version}; this node speaks version ${PROTOCOL_VERSION}, upgrade the older node`)
    }
    if (hello.maxFrameBytes < 1024) return refusal('bad-handshake', `a frame limit of ${hello.maxFrameBytes} bytes is too small to carry anything`)
    this.claimed = hello.name
    if (hello.name === this.identity.name) return refusal('bad-handshake', `the peer claims to be this node (${hello.name})`)
    if (this.role === 'dialer') {
      if (hello.name !== this.peer!.name) {
        return refusal(
          'bad-handshake',
          `${this.remoteAddress} answered as ${hello.name}, but the network map lists it for ${this.peer!.name}; fix the address in the map`,
        )
      }
    } else {
      const entry = this.map.party(hello.name)
      if (!entry) return refusal('unknown-party', `${JSON.stringify(hello.name)} is not in the network map`)
      this.peer = entry
    }
    this.peerNonce = hello.nonce
    this.peerMaxFrameBytes = hello.maxFrameBytes
    return encodeAuth(sign(null, this.transcript(this.role), this.identity.privateKey))
  }

  /** Checks the peer's signature; the answer is the keys of the now authenticated connection, or why it is refused. */
  onAuth(body: Buffer): SessionKeys | Refusal {
    if (!this.peerNonce) return refusal('bad-handshake', 'a signature before the hello')
    if (this.done) return refusal('bad-handshake', 'a second handshake signature')
    if (body.length !== 1 + SIGNATURE_BYTES) return refusal('bad-handshake', `a handshake signature of ${body.length - 1} bytes`)
    const peerRole: Role = this.role === 'dialer' ? 'listener' : 'dialer'
    if (!verify(null, this.transcript(peerRole), this.peer!.key, body.subarray(1))) {
      return refusal('bad-signature', `the handshake is not signed with the key the network map lists for ${this.peer!.name}`)
    }
    this.done = true
    const [dialerNonce, listenerNonce] = this.nonces()
    return {
      sendPrefix: framePrefix(this.role, dialerNonce, listenerNonce),
      receivePrefix: framePrefix(peerRole, dialerNonce, listenerNonce),
      tag: connectionTag(dialerNonce, listenerNonce),
    }
  }

  private nonces(): [dialer: Buffer, listener: Buffer] {
    return this.role === 'dialer' ? [this.nonce, this.peerNonce!] : [this.peerNonce!, this.nonce]
  }

  private transcript(signer: Role): Buffer {
    const [dialerNonce, listenerNonce] = this.nonces()
    const me = this.identity.name
    const peer = this.peer!.name
    const [dialerName, listenerName] = this.role === 'dialer' ? [me, peer] : [peer, me]
    return authTranscript(signer, dialerNonce, listenerNonce, dialerName, listenerName)
  }
}
