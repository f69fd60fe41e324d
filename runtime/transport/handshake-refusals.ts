/**
 * Incoming connections refused or closed before they authenticated, for want of a handshake slot
 * (handshake-slots.ts, reason `busy`) or for not finishing the handshake in time (`handshake-timeout`):
 * each is counted in `stats.rejected`, but a flood of sockets must not flood the log. Per source address
 * and reason the first is logged at once, and the ones after it within `intervalMs` in one summary line
 * at the end of the interval: at most one line per address and reason per interval.
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { RejectReason } from './reject-reason.js'

export type HandshakeRefusal = Extract<RejectReason, 'busy' | 'handshake-timeout'>

const verb: Record<HandshakeRefusal, string> = { busy: 'refused', 'handshake-timeout': 'closed' }

interface Window {
  /** Refusals since the last line. */
  count: number
  /** Why the newest of them was refused. */
  why: string
  readonly timer: NodeJS.Timeout
}

export class HandshakeRefusals {
  private readonly windows = new Map<string, Window>()

  constructor(
    /** The name of this node. */
    private readonly self: string,
    private readonly logger: FlowLogger,
    private readonly rejected: Partial<Record<RejectReason, number>>,
    private readonly intervalMs = 10_000,
  ) {}

  /**
   * A connection from `remote` (address:port, counted against `address`) was refused or closed: `why`.
   * `party` is the name it claimed in its hello, if it sent one.
   */
  refused(reason: HandshakeRefusal, address: string, remote: string, why: string, party = 'unknown'): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1
    const key = `${reason} ${address}`
    const window = this.windows.get(key)
    if (window) {
      window.count++
      window.why = why
      return
    }
    this.log(reason, address, remote, party, `${verb[reason]} a connection from ${remote}: ${why}`, 1)
    this.open(key, reason, address)
  }

  /** Stops the summary timers (the network closed); what is not yet summarised is still counted. */
  close(): void {
    for (const window of this.windows.values()) clearTimeout(window.timer)
    this.windows.clear()
  }

  private open(key: string, reason: HandshakeRefusal, address: string): void {
    const timer = setTimeout(() => this.summarise(key, reason, address), this.intervalMs)
    timer.unref()
    this.windows.set(key, { count: 0, why: '', timer })
  }

  private summarise(key: string, reason: HandshakeRefusal, address: string): void {
    const { count, why } = this.windows.get(key)!
    this.windows.delete(key)
    if (count === 0) return
    const what = `${verb[reason]} ${count} more connections from ${address} in the last ${this.intervalMs / 1000} s, the last because ${why}`
    this.log(reason, address, address, 'unknown', what, count)
    this.open(key, reason, address)
  }

  private log(reason: HandshakeRefusal, address: string, remote: string, party: string, what: string, refused: number): void {
    this.logger.warn(
      `${this.self} ${what} (${reason}; ${this.rejected[reason]} in all). If that address is a peer's, check why its handshakes do not finish.`,
      { party, remoteAddress: remote, address, reason, refused },
    )
  }
}
