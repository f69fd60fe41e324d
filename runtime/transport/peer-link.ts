/**
 * The outgoing connection to one peer: dialled when something is sent, re-dialled with exponential
 * backoff and jitter while something is still being sent, and reported open once authenticated. While
 * it is not open, sends are dropped: the engine keeps them in its outbox and sends them again when the
 * link reports the peer available.
 */
import type { Connection } from './connection.js'
import type { PartyEntry } from './network-map.js'

export interface ReconnectOptions {
  /** Delay before the first re-dial after a failure. Default 50 ms. */
  readonly initialDelayMs?: number
  /** The delay doubles per failure up to this. Default 2000 ms. */
  readonly maxDelayMs?: number
}

export interface LinkHost {
  readonly reconnect: Required<ReconnectOptions>
  /** Opens a connection to the peer (counted as a dial). */
  dial(peer: PartyEntry): Connection
  /** The link authenticated: the engine may send everything the peer has not acknowledged. */
  linkOpened(peer: PartyEntry): void
  linkFailed(peer: PartyEntry, failures: number): void
}

type LinkState = 'idle' | 'connecting' | 'open' | 'waiting' | 'closed'

export class PeerLink {
  private state: LinkState = 'idle'
  private connection: Connection | undefined
  private failures = 0
  private lastSendAt = 0
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly host: LinkHost,
    readonly peer: PartyEntry,
  ) {}

  /** The link as node.peers reports it: connected, connecting (or waiting to retry), down; and failed attempts in a row. */
  get status(): { readonly connection: 'connected' | 'connecting' | 'down'; readonly failures: number } {
    const connection = this.state === 'open' ? 'connected' : this.state === 'connecting' || this.state === 'waiting' ? 'connecting' : 'down'
    return { connection, failures: this.failures }
  }

  /** The authenticated connection, if there is one. */
  get open(): Connection | undefined {
    return this.state === 'open' ? this.connection : undefined
  }

  /** Notes that something is to be sent; dials when idle. */
  wanted(): void {
    this.lastSendAt = Date.now()
    if (this.state === 'idle') this.dial()
  }

  /** The peer connected to us: it is back, so skip the rest of the backoff. */
  peerReturned(): void {
    if (this.state !== 'waiting') return
    clearTimeout(this.timer)
    this.failures = 0
    this.dial()
  }

  /** Called by the host when the link's connection authenticated. */
  onAuthenticated(connection: Connection): void {
    if (connection !== this.connection || this.state !== 'connecting') return
    this.state = 'open'
    this.host.linkOpened(this.peer)
  }

  /** Called by the host when the link's connection closed. */
  onClosed(connection: Connection): void {
    if (connection !== this.connection || this.state === 'closed') return
    this.connection = undefined
    // A connection that stayed up a while was healthy: start the backoff again from the beginning.
    if (this.state === 'open' && Date.now() - connection.openedAt >= this.host.reconnect.maxDelayMs) this.failures = 0
    this.failures++
    this.host.linkFailed(this.peer, this.failures)
    if (!this.stillWanted(connection.inFlight)) {
      this.state = 'idle'
      return
    }
    this.state = 'waiting'
    this.timer = setTimeout(() => this.dial(), this.backoff())
    this.timer.unref()
  }

  /** Closes the open connection if the peer stopped answering; the usual re-dial follows. */
  closeIfSilent(ms: number): boolean {
    if (this.state !== 'open' || !this.connection?.silentFor(ms)) return false
    this.connection.close()
    return true
  }

  close(): void {
    this.state = 'closed'
    clearTimeout(this.timer)
    this.connection?.close()
    this.connection = undefined
  }

  private dial(): void {
    if (this.state === 'closed') return
    this.state = 'connecting'
    this.connection = this.host.dial(this.peer)
  }

  /** The engine re-sends at least every redelivery interval while it has something for the peer. */
  private stillWanted(unacknowledged: number): boolean {
    const keepTryingMs = Math.max(10_000, 3 * this.host.reconnect.maxDelayMs)
    return unacknowledged > 0 || Date.now() - this.lastSendAt < keepTryingMs
  }

  /** Exponential in the number of failures, capped, with half of it random so peers do not dial in step. */
  private backoff(): number {
    const { initialDelayMs, maxDelayMs } = this.host.reconnect
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(this.failures - 1, 30))
    return base / 2 + (Math.random() * base) / 2
  }
}
