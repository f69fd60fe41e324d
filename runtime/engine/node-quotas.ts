/**
 * The per-peer quotas of one node (peer-quotas.ts), built from its options: each quota's module, what
 * they count rebuilt from the store at open, and the idle-responder check started and stopped with the node.
 */
import type { Clock } from './clock.js'
import type { EventHub } from './event-hub.js'
import { HeldFramesQuota } from './held-frames-quota.js'
import { PeerBacklog } from './peer-backlog.js'
import { type PeerQuotas, type ResolvedQuotas, resolveQuotas } from './peer-quotas.js'
import type { StoredFlows } from './recovery.js'
import { ResponderDeadline } from './responder-deadline.js'
import { ResponderQuota } from './responder-quota.js'
import { directionOfKey } from './session-key.js'
import type { Parking } from './parking.js'
import type { TimerQueue } from './timer-queue.js'

/** What the quotas need of the node. */
export interface QuotaParts {
  readonly clock: Clock
  /** Pending durable timers: a responder sleeping on one is not idle. */
  readonly timers: Pick<TimerQueue, 'flowIds'>
  readonly parking: Pick<Parking, 'has'>
  /** Ends a flow, telling its counterparties (FlowFailure.failFlow). */
  readonly fail: (flowId: string, doing: string, cause: unknown) => void
}

export class NodeQuotas {
  readonly limits: ResolvedQuotas
  readonly responders: ResponderQuota
  readonly held: HeldFramesQuota
  readonly backlog: PeerBacklog
  private readonly deadline: ResponderDeadline

  constructor(node: string, quotas: PeerQuotas | undefined, parts: QuotaParts) {
    const limits = (this.limits = resolveQuotas(quotas))
    this.responders = new ResponderQuota(node, limits.maxResponderSessionsPerPeer)
    this.held = new HeldFramesQuota(limits.maxHeldBytesPerSession)
    this.backlog = new PeerBacklog(node, limits.maxOutboxPerPeer, limits.peerSilenceAfterMs)
    this.deadline = new ResponderDeadline(
      node,
      limits.responderIdleAfterMs,
      parts.clock,
      this.responders,
      parts.fail,
      () => parts.timers.flowIds(),
      (flowId) => parts.parking.has(flowId),
    )
  }

  /** Responder flows leave the count when their end is reported (whatever ended them). */
  watch(hub: Pick<EventHub, 'onEnded'>): void {
    hub.onEnded((end) => this.responders.ended(end.flowId))
  }

  /** Counts the running responder flows read at open (their idle time starts now) and starts the idle check. */
  start(stored: StoredFlows, now: number): void {
    for (const flow of stored.flows) {
      if (flow.kind !== 'responder') continue
      const session = stored.sessions.get(flow.id)?.find((row) => directionOfKey(row.key) === 'responder')
      if (session) this.responders.opened(flow.id, session.peer, now)
    }
    this.deadline.start()
  }

  stop(): void {
    this.deadline.stop()
  }
}
