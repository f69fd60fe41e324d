/**
 * Whether a session's counterparty is a member of the network, asked of the network port the node holds.
 * A session opened live with a party the network does not know, or with this node, fails the flow at the
 * open, before anything is journaled or sent: otherwise a mistyped name would be re-sent forever. A member
 * that is down is waited for, as every message is.
 *
 * Flows resumed at restart are never failed for this: their sessions were opened with a party the network
 * knew then, and a changed network map (a party removed by mistake, or being moved) must not end flows in
 * flight. The node warns about them once, at open, and they keep waiting.
 */
import type { NetworkPort } from '../network/network.js'
import type { SessionRequest } from '../protocol/session/channel.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { SessionRow } from '../store/store-rows.js'
import { closestName } from './closest-name.js'
import { SessionWithSelfError, UnknownPartyError } from './counterparty-errors.js'

/** Names listed in full in an error; more are counted. */
const listed = 20

export class KnownParties {
  private port: NetworkPort | undefined

  constructor(
    private readonly node: string,
    private readonly logger: FlowLogger,
  ) {}

  /** Starts answering from the network (before, nothing is refused: no flow opens sessions yet). */
  connect(port: NetworkPort): void {
    this.port = port
  }

  /** Throws unless the request's counterparty is another party the network knows; for a live open only. */
  assertCounterparty(request: SessionRequest, flowName: string): void {
    const party = request.counterparty
    if (party === this.node) {
      throw new SessionWithSelfError(
        `Flow '${flowName}' on ${party} tried to open a ${request.protocol} session with ${party}, the node it runs on; a session needs another party: pass the counterparty's name.`,
      )
    }
    const port = this.port
    if (port === undefined || port.knows(party)) return
    const { parties, source, remedy } = port.roster()
    const closest = closestName(
      party,
      parties.filter((p) => p !== this.node),
    )
    const hint = closest === undefined ? '' : ` (did you mean '${closest}'?)`
    const known =
      parties.length === 0
        ? 'It knows no party yet.'
        : `It knows ${parties.slice(0, listed).join(', ')}${parties.length > listed ? ` and ${parties.length - listed} more` : ''}.`
    throw new UnknownPartyError(
      `Flow '${flowName}' cannot open a ${request.protocol} session with '${party}': ${source} knows no such party${hint}. ${known} Check the party name, or ${remedy}.`,
      party,
      parties,
    )
  }

  /** Warns, once per peer, about resumed flows whose sessions' peer the network no longer knows; they keep waiting. */
  warnUnknownPeers(sessions: ReadonlyMap<string, readonly SessionRow[]>): void {
    const port = this.port
    if (port === undefined) return
    const flowsByPeer = new Map<string, Set<string>>()
    for (const rows of sessions.values()) {
      for (const row of rows) {
        if (row.status === 'rejected' || port.knows(row.peer)) continue
        const flows = flowsByPeer.get(row.peer) ?? new Set<string>()
        flowsByPeer.set(row.peer, flows.add(row.flow_id))
      }
    }
    if (flowsByPeer.size === 0) return
    const { source, remedy } = port.roster()
    for (const [peer, flows] of flowsByPeer) {
      const ids = [...flows]
      const shown = ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ')
      this.logger.warn(
        `Node ${this.node} resumed ${ids.length} flow(s) (${shown}) with a session to ${peer}, which ${source} does not know; they keep waiting for ${peer}, since a changed party list does not fail flows in flight. If ${peer} is gone for good, end them with killFlow; otherwise ${remedy}.`,
        { peer, flows: ids },
      )
    }
  }
}
