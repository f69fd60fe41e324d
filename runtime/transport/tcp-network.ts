/**
 * Envelopes between node processes over TCP, authenticated with the Ed25519 keys of the network map.
 *
 * Delivery is at least once, as the engine expects: `send` writes to the authenticated connection to
 * the receiver (dialled on demand; the engine keeps the envelope in its outbox, so while the peer is
 * down it is simply not sent), and the receiver acknowledges an envelope only after `deliver` resolved,
 * i.e. after the engine committed it. When a connection to a peer authenticates, in either direction,
 * the engine hears `peerAvailable` and re-sends what the peer has not acknowledged at once. Envelopes go
 * out on the connection this node dialled; acknowledgements come back on the connection the envelope
 * arrived on. Everything queued in one turn of the event loop leaves as one signed batch frame. An
 * outgoing connection whose peer sends nothing while envelopes wait for acknowledgement is closed after
 * `silenceTimeoutMs` and dialled again (a vanished host leaves no FIN behind).
 *
 * What is refused (logged with party, remote address and reason, counted in `stats.rejected`; nothing
 * reaches the engine, other connections carry on):
 *
 *   closes the connection (the stream cannot be trusted or parsed any more):
 *     unknown-party        a hello from a party not in the network map
 *     bad-handshake        a malformed or out-of-order handshake, another protocol version, the wrong party
 *                          answering at a dialled address
 *     handshake-timeout    no complete handshake in time (`handshakeTimeoutMs`)
 *     busy                 a new connection while 256 others are still in their handshake (not even read)
 *     bad-signature        a handshake or frame not signed with the key the map lists for the party
 *     oversized            a frame longer than `maxFrameBytes` (4 KiB before authentication), refused when
 *                          its length arrives, before its body is buffered
 *     malformed            a frame of unknown kind or with a truncated header
 *     replayed-connection  a frame signed for another connection (its nonces differ)
 *     replayed-counter     a frame whose counter does not exceed the previous frame's
 *
 *   drops the item and keeps the connection (the frame is authentic; its sender's software is at fault):
 *     malformed            items that do not parse, an envelope that is not wire JSON
 *     schema               an envelope that does not match the wire schema
 *     wrong-sender         an envelope whose `from` is not the authenticated peer
 *     wrong-recipient      an envelope whose `to` is not this node
 *     unexpected-ack       an acknowledgement of an envelope not sent on this connection
 *
 * Nodes should use the same `maxFrameBytes`; each side tells the other its limit in the handshake and
 * sends batches that fit both. An envelope larger than that is not sent (logged once).
 */
import { type Server, type Socket, connect, createServer } from 'node:net'
import type { Endpoint, Network, NetworkPort } from '../network/network.js'
import type { Envelope } from '../network/wire.js'
import { NetworkEndpointError } from '../network/network-errors.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { InvalidOptionError } from '../protocol/errors/invalid-option-error.js'
import { Connection, type ConnectionHost, type RejectReason } from './connection.js'
import { ListenError } from './listen-error.js'
import { type NodeIdentity, publicKeyText } from './identity.js'
import { type NetworkMap, NetworkMapError, type PartyEntry } from './network-map.js'
import { type LinkHost, PeerLink, type ReconnectOptions } from './peer-link.js'
import { encodeEnvelopeItem, envelopeContentBytes } from './envelope-codec.js'

export interface TcpNetworkOptions {
  readonly identity: NodeIdentity
  readonly map: NetworkMap
  /** Where to accept connections; port 0 picks a free port (see `address`). */
  readonly listen: { readonly host: string; readonly port: number }
  /** Largest frame accepted or sent. Default 1 MiB. */
  readonly maxFrameBytes?: number
  /** Rejections are logged with warn, lost peers with info. */
  readonly logger?: FlowLogger
  readonly reconnect?: ReconnectOptions
  /** A connection that has not authenticated after this long is closed. Default 10 s. */
  readonly handshakeTimeoutMs?: number
  /**
   * An outgoing connection whose envelopes get no answer (no frame at all from the peer) for this long is
   * closed and dialled again: the peer's host may have vanished without closing it. Default 15 s.
   */
  readonly silenceTimeoutMs?: number
}

export interface TcpNetworkStats {
  /** Refused frames and items, by reason. */
  readonly rejected: Partial<Record<RejectReason, number>>
  /** Outgoing connection attempts. */
  dials: number
  /** Connections that completed the handshake, both directions. */
  authenticated: number
  framesSent: number
  framesReceived: number
  bytesSent: number
  bytesReceived: number
  envelopesSent: number
  envelopesDelivered: number
  acksReceived: number
  /** `deliver` rejected: no acknowledgement was sent, the sender will send again. */
  deliverFailures: number
}

const defaultLogger: FlowLogger = {
  info: () => {},
  warn: (message, fields) => console.warn(`[colloquy] ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`[colloquy] ${message}`, fields ?? ''),
}

const MiB = 1024 * 1024
/** Connections still in their handshake beyond this many are refused at once (a flood of idle sockets). */
const MAX_PENDING_HANDSHAKES = 256

export class TcpNetwork implements Network {
  readonly identity: NodeIdentity
  readonly map: NetworkMap
  readonly maxFrameBytes: number
  readonly stats: TcpNetworkStats = {
    rejected: {},
    dials: 0,
    authenticated: 0,
    framesSent: 0,
    framesReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    envelopesSent: 0,
    envelopesDelivered: 0,
    acksReceived: 0,
    deliverFailures: 0,
  }
  private readonly logger: FlowLogger
  private readonly links = new Map<string, PeerLink>()
  private readonly connections = new Set<Connection>()
  /** The newest authenticated incoming connection per peer. */
  private readonly incoming = new Map<string, Connection>()
  private endpoint: Endpoint | undefined
  private shutDown = false
  private handshaking = 0
  private readonly silenceTimeoutMs: number
  private readonly silenceCheck: NodeJS.Timeout
  /** What connections and links call back into. */
  private readonly host: ConnectionHost & LinkHost
  /** Ids already reported as unsendable, so a retried envelope is logged once. */
  private readonly reported = new Set<string>()

  private constructor(
    options: TcpNetworkOptions,
    private readonly server: Server,
  ) {
    this.identity = options.identity
    this.map = options.map
    this.maxFrameBytes = options.maxFrameBytes ?? MiB
    this.logger = options.logger ?? defaultLogger
    this.silenceTimeoutMs = options.silenceTimeoutMs ?? 15_000
    this.silenceCheck = setInterval(() => this.closeSilentLinks(), Math.max(50, Math.min(1000, this.silenceTimeoutMs / 4)))
    this.silenceCheck.unref()
    this.host = {
      identity: this.identity,
      map: this.map,
      maxFrameBytes: this.maxFrameBytes,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      highWaterBytes: Math.max(16 * MiB, 4 * this.maxFrameBytes),
      reconnect: { initialDelayMs: options.reconnect?.initialDelayMs ?? 50, maxDelayMs: options.reconnect?.maxDelayMs ?? 2000 },
      reject: (connection, reason, detail) => this.onReject(connection, reason, detail),
      authenticated: (connection) => this.onAuthenticated(connection),
      envelope: (connection, envelope) => this.onEnvelope(connection, envelope),
      acknowledged: (connection, id) => this.onAcknowledged(connection, id),
      closed: (connection) => this.onClosed(connection),
      counted: (event, n) => {
        this.stats[event] += n
      },
      dial: (peer) => this.dial(peer),
      linkOpened: (peer) => this.onLinkOpened(peer),
      linkFailed: (peer, failures) => this.onLinkFailed(peer, failures),
    }
  }

  /** Checks the identity against the map and listens; resolves once the port is bound. */
  static async start(options: TcpNetworkOptions): Promise<TcpNetwork> {
    const { identity, map } = options
    const own = map.party(identity.name)
    if (!own)
      throw new NetworkMapError(
        `The network map has no party named ${identity.name}; add { "name": "${identity.name}", "address": "host:port", "publicKey": "${publicKeyText(identity)}" } to it.`,
      )
    if (!own.key.equals(identity.publicKey)) {
      throw new NetworkMapError(
        `The network map lists another public key for ${identity.name} than its key file holds; set its "publicKey" to "${publicKeyText(identity)}" (or use the key file the map was made with).`,
      )
    }
    const maxFrameBytes = options.maxFrameBytes ?? MiB
    if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 4096 || maxFrameBytes > 0xffffffff) {
      throw new InvalidOptionError(`maxFrameBytes is ${maxFrameBytes}; use a whole number of bytes from 4096 to 4294967295.`)
    }
    const server = createServer({ noDelay: true })
    const network = new TcpNetwork(options, server)
    server.on('connection', (socket) => network.accept(socket))
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        network.shutDown = true
        clearInterval(network.silenceCheck)
        reject(
          new ListenError(
            `${identity.name} cannot listen on ${options.listen.host}:${options.listen.port} (${error.code ?? error.message}); free the port or change the listen address.`,
          ),
        )
      }
      server.once('error', onError)
      server.listen(options.listen.port, options.listen.host, () => {
        server.off('error', onError)
        server.on('error', (error) => network.logger.error(`${identity.name} stopped accepting connections: ${error.message}`))
        resolve()
      })
    })
    return network
  }

  /** The address the server is bound to (with the real port when 0 was asked for). */
  get address(): { host: string; port: number } {
    const bound = this.server.address()
    if (bound === null || typeof bound === 'string') throw new NetworkEndpointError(`${this.identity.name}'s network is closed; it has no address.`)
    return { host: bound.address, port: bound.port }
  }

  attach(party: string, endpoint: Endpoint): NetworkPort {
    if (this.shutDown) throw new NetworkEndpointError(`The network of ${this.identity.name} is closed; start a new TcpNetwork.`)
    if (party !== this.identity.name)
      throw new NetworkEndpointError(`This TcpNetwork speaks for ${this.identity.name}, not ${party}; start one per node with that node's identity.`)
    if (this.endpoint) throw new NetworkEndpointError(`${party} is already attached to this network; stop or crash the old node first.`)
    this.endpoint = endpoint
    let attached = true
    return {
      send: (envelope) => {
        if (attached) this.send(envelope)
      },
      detach: () => {
        if (!attached) return
        attached = false
        if (this.endpoint !== endpoint) return
        this.endpoint = undefined
        this.dropConnections()
      },
    }
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    if (this.shutDown) return
    this.shutDown = true
    clearInterval(this.silenceCheck)
    this.endpoint = undefined
    this.dropConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  // ---- sending ----

  private send(envelope: Envelope): void {
    if (this.shutDown) return
    const peer = this.map.party(envelope.to)
    if (!peer || peer.name === this.identity.name) {
      this.reportOnce(envelope.id, `Cannot send ${envelope.id} to ${envelope.to}: that party is not in the network map (or is this node). Add it to the map.`)
      return
    }
    let link = this.links.get(peer.name)
    if (!link) {
      link = new PeerLink(this.host, peer)
      this.links.set(peer.name, link)
    }
    link.wanted()
    const connection = link.open
    if (!connection) return // not sent: the engine sends it again when the link opens
    let item: Buffer
    try {
      item = encodeEnvelopeItem(envelope)
    } catch (error) {
      this.reportOnce(
        envelope.id,
        `Cannot send ${envelope.id} to ${envelope.to}: its payload cannot be encoded (${(error as Error).message}); send plain data.`,
      )
      return
    }
    if (connection.sendEnvelope(envelope.id, item)) this.stats.envelopesSent++
    else if (envelopeContentBytes(item) > connection.maxEnvelopeBytes) {
      this.reportOnce(
        envelope.id,
        `Cannot send ${envelope.id} to ${envelope.to}: it is ${envelopeContentBytes(item)} bytes encoded, over the frame limit of ${connection.maxEnvelopeBytes}; raise maxFrameBytes on both nodes or send smaller messages.`,
      )
    }
  }

  private reportOnce(id: string, message: string): void {
    if (this.reported.has(id)) return
    if (this.reported.size > 10_000) this.reported.clear()
    this.reported.add(id)
    this.logger.error(message)
  }

  // ---- links ----

  private dial(peer: PartyEntry): Connection {
    this.stats.dials++
    const socket = connect({ host: peer.host, port: peer.port, noDelay: true })
    return this.track(new Connection(this.host, socket, 'dialer', peer))
  }

  private onLinkOpened(peer: PartyEntry): void {
    this.logger.info(`${this.identity.name} connected to ${peer.name} at ${peer.address}.`)
    this.endpoint?.peerAvailable(peer.name)
  }

  private closeSilentLinks(): void {
    for (const link of this.links.values()) {
      if (link.closeIfSilent(this.silenceTimeoutMs)) {
        this.logger.info(
          `${this.identity.name} heard nothing from ${link.peer.name} for ${this.silenceTimeoutMs} ms while waiting for acknowledgements; dialling it again.`,
        )
      }
    }
  }

  private onLinkFailed(peer: PartyEntry, failures: number): void {
    if (failures === 1)
      this.logger.info(
        `${this.identity.name} lost (or could not reach) ${peer.name} at ${peer.address}; retrying with backoff while there is something to send.`,
      )
  }

  // ---- connections ----

  private onReject(connection: Connection, reason: RejectReason, detail: string): void {
    this.stats.rejected[reason] = (this.stats.rejected[reason] ?? 0) + 1
    const party = connection.peer?.name ?? connection.claimed ?? 'unknown'
    const authenticated = connection.isOpen
    this.logger.warn(
      `${this.identity.name} rejected ${detail} from ${authenticated ? party : `a peer claiming to be ${party}`} at ${connection.remoteAddress} (${reason}).`,
      {
        party,
        remoteAddress: connection.remoteAddress,
        reason,
        authenticated,
      },
    )
  }

  private onAuthenticated(connection: Connection): void {
    this.stats.authenticated++
    if (connection.role === 'listener') this.handshaking--
    const peer = connection.peer!
    if (connection.role === 'dialer') {
      this.links.get(peer.name)?.onAuthenticated(connection)
      return
    }
    const older = this.incoming.get(peer.name)
    this.incoming.set(peer.name, connection)
    older?.close() // the peer dials one connection to us; an older one is stale
    this.links.get(peer.name)?.peerReturned()
    this.endpoint?.peerAvailable(peer.name)
  }

  private onEnvelope(connection: Connection, envelope: Envelope): void {
    const endpoint = this.endpoint
    if (!endpoint) return // detached: not processed, not acknowledged
    let delivered: Promise<void>
    try {
      delivered = endpoint.deliver(envelope)
    } catch (error) {
      delivered = Promise.reject(error)
    }
    delivered.then(
      () => {
        this.stats.envelopesDelivered++
        if (this.endpoint === endpoint) connection.sendAck(envelope.id)
      },
      () => {
        this.stats.deliverFailures++
      },
    )
  }

  private onAcknowledged(connection: Connection, id: string): void {
    this.stats.acksReceived++
    this.endpoint?.acknowledged(id, connection.peer!.name)
  }

  private onClosed(connection: Connection): void {
    this.connections.delete(connection)
    if (connection.role === 'listener' && connection.openedAt === 0) this.handshaking--
    const peer = connection.peer
    if (!peer) return
    if (connection.role === 'dialer') this.links.get(peer.name)?.onClosed(connection)
    else if (this.incoming.get(peer.name) === connection) this.incoming.delete(peer.name)
  }

  private accept(socket: Socket): void {
    if (this.shutDown) {
      socket.destroy()
      return
    }
    if (this.handshaking >= MAX_PENDING_HANDSHAKES) {
      this.stats.rejected.busy = (this.stats.rejected.busy ?? 0) + 1
      if (this.stats.rejected.busy === 1 || this.stats.rejected.busy % 1000 === 0) {
        this.logger.warn(
          `${this.identity.name} refused a connection from ${socket.remoteAddress}:${socket.remotePort}: ${MAX_PENDING_HANDSHAKES} connections are still in their handshake (busy; ${this.stats.rejected.busy} refused so far).`,
          {
            party: 'unknown',
            remoteAddress: `${socket.remoteAddress}:${socket.remotePort}`,
            reason: 'busy',
          },
        )
      }
      socket.destroy()
      return
    }
    this.handshaking++
    this.track(new Connection(this.host, socket, 'listener'))
  }

  private track(connection: Connection): Connection {
    this.connections.add(connection)
    return connection
  }

  private dropConnections(): void {
    for (const link of this.links.values()) link.close()
    this.links.clear()
    for (const connection of this.connections) connection.close()
    this.incoming.clear()
  }
}
