/**
 * Where messages refused off the broker end up: counted in `stats.rejected` by reason and logged with warn,
 * naming the party the message claims to come from and the reason. Per reason and claimed party the first
 * ones of an interval are logged, then one summary per interval says how many more were refused
 * (log-throttle.ts), so a flood published to a node's subject costs a line per interval.
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { LogThrottle, type LogThrottleOptions, type Suppressed } from '../transport/log-throttle.js'
import type { NatsRefusal, NatsRejectReason } from './received-message.js'

export class NatsRejectionLog {
  private readonly throttle: LogThrottle<NatsRefusal>

  constructor(
    private readonly self: string,
    private readonly logger: FlowLogger,
    private readonly rejected: Partial<Record<NatsRejectReason, number>>,
    options: LogThrottleOptions = {},
  ) {
    this.throttle = new LogThrottle(options, (suppressed) => this.summary(suppressed))
  }

  refused(refusal: NatsRefusal, subject: string): void {
    this.rejected[refusal.refused] = (this.rejected[refusal.refused] ?? 0) + 1
    const party = refusal.claimed ?? 'an unnamed sender'
    if (!this.throttle.admit(`${refusal.refused}\0${party}`, refusal)) return
    this.logger.warn(`${this.self} refused ${refusal.detail} from ${party} on ${subject} (${refusal.refused}); it is not delivered.`, {
      party,
      reason: refusal.refused,
      subject,
    })
  }

  close(): void {
    this.throttle.close()
  }

  private summary({ count, since, last }: Suppressed<NatsRefusal>): void {
    const party = last.claimed ?? 'an unnamed sender'
    this.logger.warn(
      `${this.self} refused ${count} more ${count === 1 ? 'message' : 'messages'} (${last.refused}) from ${party} since ${since.toISOString()} without logging each; the last was ${last.detail}.`,
      { party, reason: last.refused, suppressed: count, since: since.toISOString() },
    )
  }
}
