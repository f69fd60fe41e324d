/**
 * Quota (c): bytes of frames one session holds beyond the next one its flow will consume (frames a peer
 * sent ahead or out of order wait in the session's inbox, in memory and in the store, until consumed).
 * Beyond `maxHeldBytesPerSession` a frame is refused before anything is stored: not stored and not
 * acknowledged, so its sender keeps it and sends it again, by which time the flow has consumed what it
 * held. Refusing rather than failing the session keeps an honest peer that sends ahead working (it only
 * slows down), while a peer that floods a session makes this node hold no more than the quota. The next
 * frame the flow needs is never refused, so a session always progresses. Only frames ahead are measured:
 * a session that receives in order pays one comparison per frame.
 */
import { encode } from '../store/codec.js'
import type { FlowSession } from './flow-session.js'
import type { InboxEvent } from './inbox-event.js'
import { HeldFramesQuotaError } from './quota-errors.js'

/** Sizes of the frames one session object holds ahead, by sequence number. */
type Held = Map<number, number>

export class HeldFramesQuota {
  /** By session object: a session rebuilt after eviction is measured again from its inbox. */
  private readonly held = new WeakMap<FlowSession, Held>()

  constructor(private readonly max: number) {}

  /** Frame `seq`, ahead of the next one `session` consumes, arrived: counted, or refused (throws) past the quota. */
  admit(session: FlowSession, seq: number, event: InboxEvent): void {
    let held = this.held.get(session)
    if (!held) {
      held = new Map()
      for (const [at, kept] of session.inbox) if (at > session.recvSeq) held.set(at, encode(kept).length)
      this.held.set(session, held)
    }
    if (held.has(seq) || session.inbox.has(seq)) return // a duplicate: the session drops it
    let bytes = 0
    for (const [at, size] of held) {
      if (at <= session.recvSeq)
        held.delete(at) // consumed (or next to be) since
      else bytes += size
    }
    const size = encode(event).length
    if (bytes + size > this.max) {
      throw new HeldFramesQuotaError(
        `Session ${session.id} with ${session.counterparty} holds ${bytes} bytes of frames sent ahead, and frame ${seq} (${size} bytes) would pass its quota maxHeldBytesPerSession (${this.max}); the frame was not taken and its sender sends it again later.`,
      )
    }
    held.set(seq, size)
  }
}
