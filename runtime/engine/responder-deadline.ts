/**
 * Quota (b): a responder flow that has heard nothing from its initiator for `responderIdleAfterMs` ends,
 * and the initiator gets an error frame (as for any failed flow, flow-failure.ts): an initiator that opens
 * sessions and goes quiet does not leave flows on this node for ever. The check runs on the node's Clock
 * (simulated in tests) a few times per deadline, never per message. A responder with a durable timer pending
 * waits for itself, not for its initiator, and is left alone (a responder that sleeps a week before it answers
 * is legitimate); one that waits on a session with a third party is not told apart and needs a larger deadline.
 */
import type { Clock, ClockTimer } from './clock.js'
import { ResponderIdleError } from './quota-errors.js'
import type { ResponderQuota } from './responder-quota.js'

export class ResponderDeadline {
  private timer: ClockTimer | undefined

  constructor(
    private readonly node: string,
    private readonly idleAfter: number,
    private readonly clock: Clock,
    private readonly responders: ResponderQuota,
    /** Ends the flow, telling its counterparties (FlowFailure.failFlow). */
    private readonly fail: (flowId: string, doing: string, cause: unknown) => void,
    /** Flows with a durable timer pending: those wait for their own timer, not for their initiator. */
    private readonly timed: () => ReadonlySet<string>,
    /** Flows kept parked (a version this build does not run): left untouched until a build that runs them, or killFlow. */
    private readonly parked: (flowId: string) => boolean,
  ) {}

  start(): void {
    if (!Number.isFinite(this.idleAfter)) return
    const every = Math.max(1, Math.min(this.idleAfter / 4, 60_000))
    this.timer = this.clock.setInterval(() => this.sweep(), every)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) this.clock.clearInterval(this.timer)
    this.timer = undefined
  }

  private sweep(): void {
    const now = this.clock.now()
    const due = now - this.idleAfter
    let timed: ReadonlySet<string> | undefined
    for (const [flowId, entry] of this.responders.flows) {
      if (entry.heardAt > due || this.parked(flowId)) continue
      timed ??= this.timed()
      if (timed.has(flowId)) {
        // Sleeping on its own timer: its initiator gets the whole deadline again from about when it wakes.
        entry.heardAt = now
        continue
      }
      // Failed once: the entry leaves when the flow's end is reported; until then it is not failed again.
      entry.heardAt = Number.POSITIVE_INFINITY
      const minutes = Math.round(this.idleAfter / 60_000)
      this.fail(
        flowId,
        `waiting for its initiator ${entry.peer}`,
        new ResponderIdleError(
          `${this.node} ended responder flow ${flowId}: its initiator ${entry.peer} sent nothing for ${minutes} minute(s) (responderIdleAfterMs = ${this.idleAfter}). ${entry.peer} was told; raise the quota if its flows legitimately pause this long.`,
        ),
      )
    }
  }
}
