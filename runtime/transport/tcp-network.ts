/**
 * Envelopes between node processes over TCP, authenticated with the Ed25519 keys of the network map.
 *
 * Delivery is at least once, as the engine expects: `send` writes to the authenticated connection to
 * the receiver (dialled on demand; the engine keeps the envelope in its outbox, so while the peer is
 * down it is simply not sent), and the receiver acknowledges an envelope only after `deliver` resolved,
 * i.e. after the engine committed it. When a connection to a peer authenticates, in either direction,
 * the engine hears `peerAvailable` and re-sends what the peer has not acknowledged at once. Envelopes go
 * out on the connection this node dialled (peer-dialer.ts); acknowledgements come back on the connection
 * the envelope arrived on (connection-listener.ts accepts those). Everything queued in one turn of the
 * event loop leaves as one signed batch frame. An outgoing connection whose peer sends nothing while
 * envelopes wait for acknowledgement is closed after `silenceTimeoutMs` and dialled again (a vanished
 * host leaves no FIN behind).
 *
 * What is refused is logged with party, remote address and reason, counted in `stats.rejected`, and
 * reaches nothing of the engine; other connections carry on. The reasons, and which of them close the
 * connection, are listed in reject-reason.ts.
 *
 * Nodes should use the same `maxFrameBytes`; each side tells the other its limit in the handshake and
 * sends batches that fit both. An envelope larger than that is not sent (logged once).
 */
import { NetworkEndpointError } from '../network/network-errors.js'
import type { Endpoint, Network, NetworkPort } from '../network/network.js'
import type { Envelope } from '../network/wire.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { Connection, ConnectionHost } from './connection.js'
import { ConnectionListener } from './connection-listener.js'
import { HandshakeRefusals } from './handshake-refusals.js'
import type { NodeIdentity } from './identity.js'
import type { NetworkMap } from './network-map.js'
import type { LinkHost } from './peer-link.js'
import { PeerDialer } from './peer-dialer.js'
import { RejectionLog } from './rejection-log.js'
import { tlsCredentials } from './tls-credentials.js'
import { encodeEnvelopeItem, envelopeContentBytes } from './envelope-codec.js'
import { changedParties, closeChangedConnections } from './map-change.js'
import { MiB, type TcpNetworkOptions, checkMapListsIdentity, checkTcpNetworkOptions, defaultLogger, handshakeLimits } from './tcp-network-options.js'
import type { TcpNetworkStats } from './tcp-network-stats.js'
import { wireLimits } from './wire-limits.js'

export type { TcpNetworkOptions } from './tcp-network-options.js'
export type { TcpNetworkStats } from './tcp-network-stats.js'

export class TcpNetwork implements Network {
  readonly identity: NodeIdentity
  /** The network map in force: the one given at start, or the last one `replaceMap` took. */
  map: NetworkMap
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
  private readonly rejections: RejectionLog
  private readonly dialer: PeerDialer
  private readonly listener: ConnectionListener
  private readonly connections = new Set<Connection>()
  /** The newest authenticated incoming connection per peer. */
  private readonly incoming = new Map<string, Connection>()
  private endpoint: Endpoint | undefined
  private shutDown = false
  /** What connections and links call back into. */
  private readonly host: ConnectionHost & LinkHost
  /** Ids already reported as unsendable, so a retried envelope is logged once. */
  private readonly reported = new Set<string>()

  private constructor(options: TcpNetworkOptions) {
    this.identity = options.identity
    this.map = options.map
    this.maxFrameBytes = options.maxFrameBytes ?? MiB
    this.logger = options.logger ?? defaultLogger
    this.rejections = new RejectionLog(this.identity.name, this.logger, this.stats.rejected, options.rejectionLog)
    const network = this
    this.host = {
      identity: this.identity,
      get map() {
        return network.map
      },
      tls: tlsCredentials(this.identity),
      maxFrameBytes: this.maxFrameBytes,
      limits: wireLimits(options.limits),
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 5_000,
      highWaterBytes: Math.max(16 * MiB, 4 * this.maxFrameBytes),
      reconnect: { initialDelayMs: options.reconnect?.initialDelayMs ?? 50, maxDelayMs: options.reconnect?.maxDelayMs ?? 2000 },
      reject: (connection, reason, detail) => {
        if (reason !== 'handshake-timeout' || !this.listener.timedOut(connection, detail)) this.rejections.connection(connection, reason, detail)
      },
      authenticated: (connection) => this.onAuthenticated(connection),
      envelope: (connection, envelope) => this.onEnvelope(connection, envelope),
      acknowledged: (connection, id) => this.onAcknowledged(connection, id),
      closed: (connection) => this.onClosed(connection),
      counted: (event, n) => {
        this.stats[event] += n
      },
      dial: (peer) => this.dialer.dial(peer),
      linkOpened: (peer) => {
        this.logger.info(`${this.identity.name} connected to ${peer.name} at ${peer.address}.`)
        this.endpoint?.peerAvailable(peer.name)
      },
      linkFailed: (peer, failures) => this.dialer.linkFailed(peer, failures),
    }
    const track = (connection: Connection) => {
      this.connections.add(connection)
    }
    this.dialer = new PeerDialer(this.host, this.stats, this.logger, options.silenceTimeoutMs ?? 15_000, track)
    const refusals = new HandshakeRefusals(this.identity.name, this.logger, this.stats.rejected)
    this.listener = new ConnectionListener(this.host, refusals, handshakeLimits(options), track)
  }

  /** Checks the identity against the map and listens; resolves once the port is bound. */
  static async start(options: TcpNetworkOptions): Promise<TcpNetwork> {
    checkTcpNetworkOptions(options)
    const network = new TcpNetwork(options)
    try {
      await network.listener.listen(options.listen, network.logger)
    } catch (error) {
      network.shutDown = true
      network.dialer.stop()
      throw error
    }
    return network
  }

  /** The address the server is bound to (with the real port when 0 was asked for). */
  get address(): { host: string; port: number } {
    const bound = this.listener.server.address()
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
      knows: (other) => this.map.party(other) !== undefined,
      roster: () => this.map.roster(),
      peerStatus: (other) => {
        const entry = this.map.party(other)
        const link = this.dialer.link(other)?.status ?? { connection: 'down' as const, failures: 0 }
        const failed = link.connection !== 'connected' && link.failures > 0 ? { lastError: `${link.failures} connection attempts failed in a row` } : {}
        return { connection: link.connection, ...(entry ? { address: entry.address } : {}), ...failed }
      },
    }
  }

  /**
   * Takes a reloaded network map (key rotation, a moved party): see map-change.ts. Throws, keeping the map
   * in force, when it does not list this node with its key; returns the parties whose connections closed.
   */
  replaceMap(next: NetworkMap): string[] {
    checkMapListsIdentity(this.identity, next)
    const changed = changedParties(this.map, next)
    this.map = next
    closeChangedConnections(changed, this.dialer, this.connections)
    return changed
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    if (this.shutDown) return
    this.shutDown = true
    this.dialer.stop()
    this.endpoint = undefined
    this.dropConnections()
    await this.listener.close()
    this.rejections.close()
  }

  // ---- sending ----

  private send(envelope: Envelope): void {
    if (this.shutDown) return
    const peer = this.map.party(envelope.to)
    if (!peer || peer.name === this.identity.name) {
      this.reportOnce(envelope.id, `Cannot send ${envelope.id} to ${envelope.to}: that party is not in the network map (or is this node). Add it to the map.`)
      return
    }
    const link = this.dialer.linkTo(peer)
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

  // ---- connections ----

  private onAuthenticated(connection: Connection): void {
    this.stats.authenticated++
    this.listener.authenticated(connection)
    const peer = connection.peer!
    if (connection.role === 'dialer') {
      this.dialer.link(peer.name)?.onAuthenticated(connection)
      return
    }
    const older = this.incoming.get(peer.name)
    this.incoming.set(peer.name, connection)
    older?.close() // the peer dials one connection to us; an older one is stale
    this.dialer.link(peer.name)?.peerReturned()
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
    this.listener.closed(connection)
    const peer = connection.peer
    if (!peer) return
    if (connection.role === 'dialer') this.dialer.link(peer.name)?.onClosed(connection)
    else if (this.incoming.get(peer.name) === connection) this.incoming.delete(peer.name)
  }

  private dropConnections(): void {
    this.dialer.dropLinks()
    for (const connection of this.connections) connection.close()
    this.incoming.clear()
  }
}
