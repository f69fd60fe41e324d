/**
 * Quota (a): responder sessions one peer may have open on this node at once. The node counts its running
 * responder flows by initiating peer, in memory (evicted flows included; rebuilt from the store at open),
 * and a new init beyond `maxResponderSessionsPerPeer` is rejected with a reason naming the quota, so the
 * initiator's flow fails saying why instead of this node holding flows without end. The same table keeps
 * when each responder last heard from its initiator, for the idle deadline (responder-deadline.ts).
 * A peer past its quota is answered at most REJECTS_PER_SECOND rejects a second; its further inits are not
 * taken (not acknowledged: it sends them again later, and gets its reject then), which costs this node a
 * look-up and no store work, so a peer flooding inits cannot crowd out the other peers' messages.
 */
import { InitThrottledError } from './quota-errors.js'

/** Rejects a second one peer past its quota is answered with; its other inits wait with it. */
export const REJECTS_PER_SECOND = 20

export interface ResponderEntry {
  readonly peer: string
  /** When the initiator last wrote to this flow (its init, or a frame), on the node's clock. */
  heardAt: number
}

export class ResponderQuota {
  /** Running responder flows by flow id. */
  readonly flows = new Map<string, ResponderEntry>()
  private readonly perPeer = new Map<string, number>()
  /** Peers refused since they reached the quota: their refusals are logged once, not once per init. */
  private readonly refusing = new Set<string>()
  /** Rejects answered in the current second, per peer past its quota. */
  private readonly rejects = new Map<string, { second: number; count: number }>()

  constructor(
    private readonly node: string,
    private readonly max: number,
  ) {}

  /** The reason to reject `peer`'s new init with, or undefined when it is within its quota. */
  refusal(peer: string): string | undefined {
    const open = this.perPeer.get(peer) ?? 0
    if (open < this.max) return undefined
    return `${this.node} already has ${open} open responder sessions from ${peer}, its quota maxResponderSessionsPerPeer (${this.max}); ${peer} may open more once some of them end`
  }

  /**
   * Throws InitThrottledError (the init is not taken) when `peer` is past its quota and was answered
   * REJECTS_PER_SECOND rejects this second already; a look-up per init while the peer is within its quota.
   */
  throttle(peer: string, now: number): void {
    if ((this.perPeer.get(peer) ?? 0) < this.max) return
    const second = Math.floor(now / 1000)
    const window = this.rejects.get(peer)
    if (!window || window.second !== second) {
      this.rejects.set(peer, { second, count: 1 })
      return
    }
    if (window.count++ < REJECTS_PER_SECOND) return
    throw new InitThrottledError(
      `${this.node} answers ${peer} at most ${REJECTS_PER_SECOND} rejects a second while it is past its quota maxResponderSessionsPerPeer (${this.max}); this init was not taken and ${peer} sends it again later.`,
    )
  }

  /** True the first time `peer` is refused since it reached the quota (log it then), false after. */
  firstRefusal(peer: string): boolean {
    if (this.refusing.has(peer)) return false
    this.refusing.add(peer)
    return true
  }

  /** A responder flow started (or was found running at open) for `peer`. */
  opened(flowId: string, peer: string, now: number): void {
    if (this.flows.has(flowId)) return
    this.flows.set(flowId, { peer, heardAt: now })
    this.perPeer.set(peer, (this.perPeer.get(peer) ?? 0) + 1)
  }

  /** The initiator wrote to its responder flow. */
  heard(flowId: string, now: number): void {
    const entry = this.flows.get(flowId)
    if (entry) entry.heardAt = now
  }

  /** A flow ended (any kind: others are not counted). */
  ended(flowId: string): void {
    const entry = this.flows.get(flowId)
    if (!entry) return
    this.flows.delete(flowId)
    const open = (this.perPeer.get(entry.peer) ?? 1) - 1
    if (open > 0) this.perPeer.set(entry.peer, open)
    else this.perPeer.delete(entry.peer)
    if (open < this.max) {
      this.refusing.delete(entry.peer)
      this.rejects.delete(entry.peer)
    }
  }

  /** Open responder sessions of `peer` (for tests and stats). */
  openFrom(peer: string): number {
    return this.perPeer.get(peer) ?? 0
  }
}
