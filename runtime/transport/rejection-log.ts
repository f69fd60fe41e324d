/**
 * Where refusals end up: each is counted in `stats.rejected` by reason and logged with warn, naming the
 * party (or the party a peer claims to be before it authenticated), its remote address and the reason,
 * so an operator can tell a misconfigured peer from an attack. The reasons are listed in reject-reason.ts.
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { Connection } from './connection.js'
import type { RejectReason } from './reject-reason.js'

export class RejectionLog {
  constructor(
    /** The name of this node. */
    private readonly self: string,
    private readonly logger: FlowLogger,
    private readonly rejected: Partial<Record<RejectReason, number>>,
  ) {}

  /** Something that arrived on a connection was refused. */
  connection(connection: Connection, reason: RejectReason, detail: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1
    const party = connection.peer?.name ?? connection.claimed ?? 'unknown'
    const authenticated = connection.isOpen
    this.logger.warn(
      `${this.self} rejected ${detail} from ${authenticated ? party : `a peer claiming to be ${party}`} at ${connection.remoteAddress} (${reason}).`,
      {
        party,
        remoteAddress: connection.remoteAddress,
        reason,
        authenticated,
      },
    )
  }
}
