/**
 * Quota (d): what waits in the outbox for one peer. Counts unacknowledged messages by receiver and when each
 * receiver last acknowledged one, so the outbox can refuse a flow's message beyond `maxOutboxPerPeer` and
 * fail the flows whose messages a peer has left unacknowledged for `peerSilenceAfterMs` (peer-quotas.ts).
 * A count per message and a look-up per acknowledgement: no store reads.
 */
import { OutboxQuotaError, PeerSilentError } from './quota-errors.js'

export class PeerBacklog {
  private readonly waiting = new Map<string, number>()
  private readonly lastAck = new Map<string, number>()

  constructor(
    private readonly node: string,
    private readonly max: number,
    readonly silenceAfter: number,
  ) {}

  added(peer: string): void {
    this.waiting.set(peer, (this.waiting.get(peer) ?? 0) + 1)
  }

  removed(peer: string): void {
    const left = (this.waiting.get(peer) ?? 1) - 1
    if (left > 0) this.waiting.set(peer, left)
    else this.waiting.delete(peer)
  }

  acknowledgedBy(peer: string, now: number): void {
    this.lastAck.set(peer, now)
  }

  /** Messages waiting for `peer`'s acknowledgement. */
  waitingFor(peer: string): number {
    return this.waiting.get(peer) ?? 0
  }

  /** The error failing a flow that sends one more message to `peer`, or undefined while within the quota. */
  overflow(peer: string): OutboxQuotaError | undefined {
    const waiting = this.waiting.get(peer) ?? 0
    if (waiting < this.max) return undefined
    return new OutboxQuotaError(
      `${this.node} already keeps ${waiting} unacknowledged messages for ${peer}, its quota maxOutboxPerPeer (${this.max}); the message was not sent. Check that ${peer} is running and reachable, then start the flow again.`,
    )
  }

  /** When `peer` last acknowledged a message, if it did since the node started. */
  lastAcknowledged(peer: string): number | undefined {
    return this.lastAck.get(peer)
  }

  /** Whether `peer` acknowledged nothing since `due`. */
  silentSince(peer: string, due: number): boolean {
    return (this.lastAck.get(peer) ?? Number.NEGATIVE_INFINITY) <= due
  }

  silence(peer: string): PeerSilentError {
    const hours = Math.round((this.silenceAfter / 3600_000) * 10) / 10
    return new PeerSilentError(
      `${peer} acknowledged nothing from ${this.node} for ${hours} hour(s) (peerSilenceAfterMs = ${this.silenceAfter}), so the message waiting for it was given up. Check that ${peer} is running and reachable, then start the flow again.`,
    )
  }
}
