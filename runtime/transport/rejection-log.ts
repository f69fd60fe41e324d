/**
 * Where refusals end up: each is counted in `stats.rejected` by reason and logged with warn, naming the
 * party (or the party a peer claims to be before it authenticated), its remote address and the reason,
 * so an operator can tell a misconfigured peer from an attack. The reasons are listed in reject-reason.ts.
 *
 * A peer sending the same bad thing again and again is not logged line by line: per reason and peer
 * (the authenticated party, else the remote host) the first ones of an interval are logged, then one
 * summary per interval says how many more were refused (see log-throttle.ts).
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { Connection } from './connection.js'
import { LogThrottle, type LogThrottleOptions, type Suppressed } from './log-throttle.js'
import type { RejectReason } from './reject-reason.js'

interface Refused {
  readonly reason: RejectReason
  readonly detail: string
  readonly fields: Record<string, unknown>
  readonly from: string
}

export class RejectionLog {
  private readonly throttle: LogThrottle<Refused>

  constructor(
    /** The name of this node. */
    private readonly self: string,
    private readonly logger: FlowLogger,
    private readonly rejected: Partial<Record<RejectReason, number>>,
    throttle: LogThrottleOptions = {},
  ) {
    this.throttle = new LogThrottle(throttle, (suppressed) => this.summary(suppressed))
  }

  /** Something that arrived on a connection was refused. */
  connection(connection: Connection, reason: RejectReason, detail: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1
    const party = connection.peer?.name ?? connection.claimed ?? 'unknown'
    const authenticated = connection.isOpen
    const from = `${authenticated ? party : `a peer claiming to be ${party}`} at ${connection.remoteAddress}`
    const fields = { party, remoteAddress: connection.remoteAddress, reason, authenticated }
    // Before authentication the claimed name is the sender's to choose: the host is what identifies it.
    const key = `${reason}\0${authenticated ? `party ${party}` : `host ${hostOf(connection.remoteAddress)}`}`
    if (!this.throttle.admit(key, { reason, detail, fields, from })) return
    this.logger.warn(`${this.self} rejected ${detail} from ${from} (${reason}).`, fields)
  }

  /** Logs the summaries of what is still counted. */
  close(): void {
    this.throttle.close()
  }

  private summary({ count, since, last }: Suppressed<Refused>): void {
    this.logger.warn(
      `${this.self} rejected ${count} more ${count === 1 ? 'item' : 'items'} (${last.reason}) from ${last.from} since ${since.toISOString()} without logging each; the last was ${last.detail}.`,
      { ...last.fields, suppressed: count, since: since.toISOString() },
    )
  }
}

/** The host of `host:port` (IPv6 hosts keep their colons). */
const hostOf = (address: string) => address.slice(0, Math.max(0, address.lastIndexOf(':')) || address.length)
