/**
 * The narrow contract between a node and whatever moves its messages. A transport delivers envelopes
 * at least once and in any order; the engine turns that into exactly-once, per-session FIFO by
 * deterministic ids, sequence numbers, an outbox and acknowledgements sent after the receiver commits.
 * A TCP transport implements the same three calls.
 */
import type { Envelope } from './wire.js'

export interface Endpoint {
  /**
   * Handles an envelope. Resolves once the receiver has durably recorded it (or decided it is a
   * duplicate or unroutable); only then does the transport acknowledge it to the sender. A rejection
   * means "not processed": the sender will send it again.
   */
  deliver(envelope: Envelope): Promise<void>
  /**
   * The receiver acknowledged an envelope this endpoint sent: it can leave the outbox. The promise, when
   * there is one, resolves once that is durable; a transport whose broker redelivers what is not confirmed
   * confirms the acknowledgement only then, so that another process of the node can take it if this one dies.
   */
  acknowledged(id: string, to: string): void | Promise<void>
  /** A peer (re)joined the network: re-send what it has not acknowledged without waiting for the retry timer. */
  peerAvailable(party: string): void
}

export interface NetworkPort {
  /** Sends without waiting; delivery is confirmed by `acknowledged` on the sender's endpoint. */
  send(envelope: Envelope): void
  /**
   * Whether `party` is a member of this network, reachable now or not. The engine refuses to open a session
   * with a party the network does not know (a typo would otherwise be re-sent forever); a member that is
   * down is waited for.
   */
  knows(party: string): boolean
  /** Who the network knows and where that list comes from, for the error that refuses an unknown party. */
  roster(): PartyRoster
  /** How the transport reaches `party` now, for operators (node.peers); a transport that cannot tell leaves it out. */
  peerStatus?(party: string): TransportPeerStatus
  /** Leaves the network; envelopes for this party are dropped until it attaches again. */
  detach(): void
}

export interface Network {
  /** Joins the network as `party`; fails if that party is already attached. */
  attach(party: string, endpoint: Endpoint): NetworkPort
}

/** The members of a network as an error message names them. */
export interface PartyRoster {
  /** Every party the network knows, sorted. */
  readonly parties: readonly string[]
  /** Where the list comes from, as a noun phrase: "the in-memory network", "the network map /etc/colloquy/network.json". */
  readonly source: string
  /** How a missing party becomes known, as a verb phrase: "add the party to the network map". */
  readonly remedy: string
}

/** A peer as the transport sees it: whether a link to it is up, and what went wrong with it last. */
export interface TransportPeerStatus {
  /** connected: a link is authenticated; connecting: a dial is under way or waits to retry; down: no link. */
  readonly connection: 'connected' | 'connecting' | 'down'
  /** Where the transport reaches it (the network map's address). */
  readonly address?: string
  /** What went wrong last, e.g. how many connection attempts failed in a row. */
  readonly lastError?: string
}
