/**
 * The outgoing side of a TcpNetwork: one PeerLink (peer-link.ts) per peer something was sent to, the
 * dialling of their connections, and the watch for peers that went silent. An outgoing connection whose
 * peer sends nothing while envelopes wait for acknowledgement is closed and dialled again: a vanished host
 * leaves no FIN behind, and TCP alone would wait for a very long time.
 */
import { connect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { Connection, type ConnectionHost } from './connection.js'
import type { PartyEntry } from './network-map.js'
import { type LinkHost, PeerLink } from './peer-link.js'

const noCheck = (): undefined => undefined

export class PeerDialer {
  private readonly links = new Map<string, PeerLink>()
  private readonly silenceCheck: NodeJS.Timeout

  constructor(
    private readonly host: ConnectionHost & LinkHost,
    /** Where dials are counted (the network's stats). */
    private readonly stats: { dials: number },
    private readonly logger: FlowLogger,
    private readonly silenceTimeoutMs: number,
    /** Called with every dialled connection. */
    private readonly dialled: (connection: Connection) => void,
  ) {
    this.silenceCheck = setInterval(() => this.closeSilentLinks(), Math.max(50, Math.min(1000, silenceTimeoutMs / 4)))
    this.silenceCheck.unref()
  }

  /** The link to a peer, made on first use. */
  linkTo(peer: PartyEntry): PeerLink {
    let link = this.links.get(peer.name)
    if (!link) {
      link = new PeerLink(this.host, peer)
      this.links.set(peer.name, link)
    }
    return link
  }

  /** The link to a peer, if something was sent to it. */
  link(name: string): PeerLink | undefined {
    return this.links.get(name)
  }

  /** Opens a connection to the peer (for its link, see LinkHost.dial). */
  dial(peer: PartyEntry): Connection {
    this.stats.dials++
    // The peer's certificate is checked against the map after its handshake (certificate-pin.ts), not by a CA.
    const { secureContext } = this.host.tls
    // TLS over a TCP socket made with noDelay: set on the TLS socket before it connects, it would be lost.
    const tcp = connect({ host: peer.host, port: peer.port, noDelay: true })
    const socket = tlsConnect({ socket: tcp, secureContext, rejectUnauthorized: false, checkServerIdentity: noCheck })
    const connection = new Connection(this.host, socket, 'dialer', peer)
    this.dialled(connection)
    return connection
  }

  /** A link lost its connection (or could not connect); logged once per run of failures. */
  linkFailed(peer: PartyEntry, failures: number): void {
    if (failures === 1)
      this.logger.info(
        `${this.host.identity.name} lost (or could not reach) ${peer.name} at ${peer.address}; retrying with backoff while there is something to send.`,
      )
  }

  /** Closes the link to one peer (and its connection); the next send makes a new one from the current map entry. */
  dropLink(name: string): void {
    this.links.get(name)?.close()
    this.links.delete(name)
  }

  /** Closes every link (and its connection); links are made again by the next send. */
  dropLinks(): void {
    for (const link of this.links.values()) link.close()
    this.links.clear()
  }

  /** Stops watching for silence: the network is closed. */
  stop(): void {
    clearInterval(this.silenceCheck)
  }

  private closeSilentLinks(): void {
    for (const link of this.links.values()) {
      if (link.closeIfSilent(this.silenceTimeoutMs)) {
        this.logger.info(
          `${this.host.identity.name} heard nothing from ${link.peer.name} for ${this.silenceTimeoutMs} ms while waiting for acknowledgements; dialling it again.`,
        )
      }
    }
  }
}
