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
  /** The receiver acknowledged an envelope this endpoint sent: it can leave the outbox. */
  acknowledged(id: string, to: string): void
  /** A peer (re)joined the network: re-send what it has not acknowledged without waiting for the retry timer. */
  peerAvailable(party: string): void
}

export interface NetworkPort {
  /** Sends without waiting; delivery is confirmed by `acknowledged` on the sender's endpoint. */
  send(envelope: Envelope): void
  /** Leaves the network; envelopes for this party are dropped until it attaches again. */
  detach(): void
}

export interface Network {
  /** Joins the network as `party`; fails if that party is already attached. */
  attach(party: string, endpoint: Endpoint): NetworkPort
}
