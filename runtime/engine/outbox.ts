/**
 * The outbox: messages leave a node only through here. A message is written to the outbox in the same
 * batch as the journal entry that produced it and transmitted once that batch commits; it is sent again
 * until its receiver acknowledges it (after the receiver's own commit), on a timer and at once when the
 * peer re-joins. An initiating session's frames wait for the peer's confirm before they leave. Both kinds
 * wait here, not with their flow: an evicted flow's messages are re-sent on the timer, and its frames held
 * for the confirm (by session key, as the rebuilt session is another object) leave when the confirm comes,
 * with no restart needed. A send the network throws on is not retried: it goes to `unsendable`, which
 * fails the flow that sent it.
 */
import type { Endpoint, NetworkPort } from '../network/network.js'
import type { Envelope } from '../network/wire.js'
import { encode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { Clock, ClockTimer } from './clock.js'
import type { FlowSession } from './flow-session.js'
import type { PeerBacklog } from './peer-backlog.js'

/** What sessions need of the outbox: queue a message with the current batch. */
export interface MessageQueue {
  /** Writes the envelope to the outbox in the current batch and transmits it once that batch commits; returns the batch. */
  queue(envelope: Envelope, sessionKey: string, session: FlowSession | undefined): number
}

interface Pending {
  readonly envelope: Envelope
  sentAt: number
  /** First transmitted (in this process): the peer's silence is measured from here. */
  readonly since: number
}

export class Outbox implements MessageQueue, Pick<Endpoint, 'acknowledged' | 'peerAvailable'> {
  private readonly unacked = new Map<string, Pending>()
  /** Committed frames of initiating sessions waiting for the peer's confirm, by session key, in send order. */
  private readonly held = new Map<string, Envelope[]>()
  private port: NetworkPort | undefined
  private retryTimer: ClockTimer | undefined
  private stopped = false

  constructor(
    private readonly store: Pick<FlowStore, 'putOutbox' | 'deleteOutbox' | 'deleteAcknowledged' | 'commits'>,
    private readonly clock: Clock,
    private readonly redeliverAfter: number,
    /** A message the network refused (its send threw): it is not sent again, and the flow that sent it fails (flow-failure.ts). */
    private readonly unsendable: (envelope: Envelope, error: unknown) => void,
    /** Per-peer counts and silence (peer-backlog.ts). */
    private readonly backlog: PeerBacklog,
  ) {}

  /** Sent messages not yet acknowledged by their receiver. */
  get unacknowledged(): number {
    return this.unacked.size
  }

  /** Starts transmitting through the network (messages queued before wait in the store). */
  connect(port: NetworkPort): void {
    this.port = port
  }

  queue(envelope: Envelope, sessionKey: string, session: FlowSession | undefined): number {
    const batch = this.store.putOutbox(envelope.id, sessionKey, encode(envelope))
    this.store.commits.afterCommit(() => this.transmit(envelope, session))
    return batch
  }

  /** Writes the envelope to the outbox without transmitting it (the caller transmits after the commit). */
  write(envelope: Envelope, sessionKey: string): number {
    return this.store.putOutbox(envelope.id, sessionKey, encode(envelope))
  }

  /** Sends a committed message and keeps it until acknowledged; an initiator's frames wait for the confirm. */
  transmit(envelope: Envelope, session: FlowSession | undefined): void {
    if (this.stopped) return
    if (session && session.direction === 'initiator' && envelope.body.t !== 'init') {
      if (session.status === 'opening') {
        const waiting = this.held.get(session.key)
        if (waiting) waiting.push(envelope)
        else this.held.set(session.key, [envelope])
        return
      }
      if (session.status === 'rejected') {
        this.store.deleteOutbox(envelope.id)
        return
      }
    }
    const prior = this.unacked.get(envelope.id)
    if (!prior) {
      const body = envelope.body
      // A flow's own messages count against the quota; the engine's answers and error frames always leave.
      const overflow = body.t === 'data' || body.t === 'init' ? this.backlog.overflow(envelope.to) : undefined
      if (overflow) return this.unsendable(envelope, overflow)
      this.backlog.added(envelope.to)
    }
    const now = this.clock.now()
    this.unacked.set(envelope.id, { envelope, sentAt: now, since: prior?.since ?? now })
    this.send(envelope)
    this.armRetry()
  }

  /** Transmits a committed message unless it is already on its way. */
  transmitUnlessPending(envelope: Envelope): void {
    if (!this.unacked.has(envelope.id)) this.transmit(envelope, undefined)
  }

  /** The peer confirmed the session: the frames held for the confirm leave, in order. */
  release(sessionKey: string): void {
    const waiting = this.held.get(sessionKey)
    if (!waiting) return
    this.held.delete(sessionKey)
    for (const envelope of waiting) this.transmit(envelope, undefined)
  }

  /** The peer rejected the session: the frames held for the confirm never leave (out of memory and the store). */
  discardHeld(sessionKey: string): void {
    const waiting = this.held.get(sessionKey)
    if (!waiting) return
    this.held.delete(sessionKey)
    for (const envelope of waiting) this.store.deleteOutbox(envelope.id)
  }

  /** A message that must not be sent (again): out of memory and out of the store. */
  discard(id: string): void {
    this.forget(id)
    if (this.held.size > 0) this.unhold(id)
    this.store.deleteOutbox(id)
  }

  /** The peer answered (a confirm or reject answers the init): the message no longer needs re-sending. */
  answered(id: string): void {
    if (this.forget(id)) this.store.deleteOutbox(id)
  }

  acknowledged(id: string): void {
    if (this.stopped) return
    this.acknowledgedElsewhere(id)
    this.store.deleteAcknowledged(id)
  }

  /** Another process of the node received the acknowledgement (and deleted the row): stop sending it again. */
  acknowledgedElsewhere(id: string): void {
    const pending = this.forget(id)
    if (pending) this.backlog.acknowledgedBy(pending.envelope.to, this.clock.now())
  }

  /** Whether the message is sent and waits for its acknowledgement here. */
  isPending(id: string): boolean {
    return this.unacked.has(id)
  }

  peerAvailable(party: string): void {
    if (this.stopped) return
    for (const pending of this.unacked.values()) {
      if (pending.envelope.to !== party) continue
      pending.sentAt = this.clock.now()
      this.send(pending.envelope)
    }
  }

  stop(): void {
    this.stopped = true
    if (this.retryTimer) this.clock.clearTimeout(this.retryTimer)
  }

  /** No longer waits for an acknowledgement of `id`; the pending message, if it was. */
  private forget(id: string): Pending | undefined {
    const pending = this.unacked.get(id)
    if (!pending) return undefined
    this.unacked.delete(id)
    this.backlog.removed(pending.envelope.to)
    return pending
  }

  /** Forgets a held frame (its flow was killed before the confirm). */
  private unhold(id: string): void {
    for (const [key, waiting] of this.held) {
      const index = waiting.findIndex((envelope) => envelope.id === id)
      if (index < 0) continue
      waiting.splice(index, 1)
      if (waiting.length === 0) this.held.delete(key)
      return
    }
  }

  private send(envelope: Envelope): void {
    try {
      this.port!.send(envelope)
    } catch (error) {
      this.forget(envelope.id)
      this.unsendable(envelope, error)
    }
  }

  private armRetry(): void {
    if (this.retryTimer || this.unacked.size === 0 || this.stopped) return
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined
      const due = this.clock.now() - this.redeliverAfter
      const silent = this.clock.now() - this.backlog.silenceAfter
      let givenUp: Pending[] | undefined
      for (const pending of this.unacked.values()) {
        if (pending.since <= silent && this.backlog.silentSince(pending.envelope.to, silent)) {
          ;(givenUp ??= []).push(pending)
          continue
        }
        if (pending.sentAt > due) continue
        pending.sentAt = this.clock.now()
        this.send(pending.envelope)
      }
      // Given up after the peer's silence: each fails the flow that sent it (an error frame replacing it starts a new wait).
      for (const { envelope } of givenUp ?? []) {
        this.forget(envelope.id)
        this.unsendable(envelope, this.backlog.silence(envelope.to))
      }
      this.armRetry()
    }, this.redeliverAfter)
    this.retryTimer.unref()
  }
}
