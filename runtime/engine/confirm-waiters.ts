/**
 * The branches of an initiating session's flow that wait for the peer's answer to its init (a receive or
 * close before the confirm, an open with several versions on offer): the confirm resolves them, a reject
 * rejects them. A `held` notice (the peer's hospital keeps the init; not an answer) is remembered with its
 * reason and marks what they wait for, so node.flowStatus says the init is held rather than unanswered.
 */
import { sessionWait } from './hospital/receive-timeout.js'
import { type WaitingFor, handshakeWait, markHeld } from './waiting-for.js'

type Waiter = { resolve(): void; reject(error: unknown): void; readonly what: WaitingFor }
type WaitingSession = Parameters<typeof sessionWait>[0] & Parameters<typeof handshakeWait>[0]

export class ConfirmWaiters {
  private readonly waiters: Waiter[] = []
  /** Why the peer's hospital holds the init, once it said so. */
  heldReason: string | null = null

  /** A branch waits for the answer (with the session's receive timeout, if it has one). */
  wait(session: WaitingSession): Promise<void> {
    const what = handshakeWait(session, this.heldReason)
    return sessionWait<void>(session, (resolve, reject) => this.waiters.push({ resolve, reject, what }), what)
  }

  confirmed(): void {
    for (const waiter of this.waiters.splice(0)) waiter.resolve()
  }

  rejected(error: unknown): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error)
  }

  /** The peer holds the init for `reason`; false when that was known already (a copy of the notice). */
  held(reason: string): boolean {
    if (this.heldReason === reason) return false
    this.heldReason = reason
    for (const waiter of this.waiters) markHeld(waiter.what, reason)
    return true
  }
}
