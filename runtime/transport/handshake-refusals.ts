/**
 * Connections refused or dropped for want of a handshake slot (handshake-slots.ts), reason `busy`: each is
 * counted in `stats.rejected.busy`, but a flood of sockets must not flood the log. Per source address the
 * first refusal is logged at once, and the ones after it within `intervalMs` in one summary line at the
 * end of the interval: at most one line per address per interval.
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { RejectReason } from './reject-reason.js'

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

  /** A connection from `remote` (address:port, counted against `address`) was refused or dropped: `why`. */
  refused(address: string, remote: string, why: string): void {
    this.rejected.busy = (this.rejected.busy ?? 0) + 1
    const window = this.windows.get(address)
    if (window) {
      window.count++
      window.why = why
      return
    }
    this.log(address, remote, `refused a connection from ${remote}: ${why}`, 1)
    this.open(address)
  }

  /** Stops the summary timers (the network closed); what is not yet summarised is still counted. */
  close(): void {
    for (const window of this.windows.values()) clearTimeout(window.timer)
    this.windows.clear()
  }

  private open(address: string): void {
    const timer = setTimeout(() => this.summarise(address), this.intervalMs)
    timer.unref()
    this.windows.set(address, { count: 0, why: '', timer })
  }

  private summarise(address: string): void {
    const window = this.windows.get(address)!
    this.windows.delete(address)
    if (window.count === 0) return
    const seconds = this.intervalMs / 1000
    this.log(address, address, `refused ${window.count} more connections from ${address} in the last ${seconds} s, the last because ${window.why}`, window.count)
    this.open(address)
  }

  private log(address: string, remote: string, what: string, refused: number): void {
    this.logger.warn(
      `${this.self} ${what} (busy; ${this.rejected.busy} refused in all). A source that keeps connections in their handshake is refused; if it is a peer, check why its handshakes do not finish.`,
      { party: 'unknown', remoteAddress: remote, address, reason: 'busy', refused },
    )
  }
}
