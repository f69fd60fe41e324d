/**
 * Session inits kept for observation: an init naming a protocol this node has no responder for is not
 * rejected (when the staff say so, staff/unknown-responder.ts) but kept in the store, its envelope as it
 * arrived; it is recorded as processed, so copies are dropped, and acknowledged, so its sender stops sending
 * it. Its initiator is told, in the same batch: a `held` notice (wire.ts) with the reason goes through the
 * outbox, so it is sent again until acknowledged, and the initiator's session shows it is held rather than
 * unanswered. A node opened with the responder answers it as if it had just arrived; an operator can reject
 * it, and the initiator then gets the rejection with the reason. Either way a notice not yet acknowledged is
 * no longer sent (an initiator on a build without the kind refuses it and would be sent it until then).
 */
import type { Envelope, WireMessage } from '../../network/wire.js'
import type { FlowLogger } from '../../protocol/session/flow-context.js'
import { decode, encode } from '../../store/codec.js'
import type { FlowStore } from '../../store/flow-store.js'
import type { HeldInitRow } from '../../store/store-rows.js'
import type { Clock } from '../clock.js'
import { messageIds } from '../message-ids.js'
import type { Outbox } from '../outbox.js'
import { peerMessageKey, responderKey } from '../session-key.js'
import type { HeldInit, HospitalEvent } from './hospital-api.js'
import { type Staff, consult } from './staff.js'

type Init = Extract<WireMessage, { t: 'init' }>

export interface HeldInitParts {
  readonly node: string
  readonly clock: Clock
  readonly logger: FlowLogger
  readonly store: Pick<FlowStore, 'putHeldInit' | 'deleteHeldInit' | 'heldInits' | 'commits'>
  readonly staff: readonly Staff[]
  readonly outbox: Pick<Outbox, 'queue' | 'discard'>
  readonly publish: (event: HospitalEvent) => void
}

function toHeld(row: HeldInitRow): HeldInit {
  return { id: row.id, sender: row.sender, protocol: row.protocol, at: row.at, reason: row.reason }
}

export class HeldInits {
  private readonly releasing = new Set<string>()

  constructor(private readonly parts: HeldInitParts) {}

  /** Keeps the init when the staff say so (true), in the batch that records it as processed; false: reject it as before. */
  hold(envelope: Envelope, reason: string): boolean {
    const body = envelope.body as Init
    const id = peerMessageKey(envelope.from, envelope.id)
    const found = consult(this.parts.staff, { kind: 'init', id, name: body.protocol, error: reason, causes: [reason], retries: 0 })
    if (found?.diagnosis.decision !== 'observe') return false
    const { store, clock, logger, node } = this.parts
    const row: HeldInitRow = { id, sender: envelope.from, protocol: body.protocol, session: body.session, envelope: encode(envelope), at: clock.now(), reason }
    store.putHeldInit(row)
    const notice: Envelope = { id: messageIds.held(body.session), from: node, to: envelope.from, body: { t: 'held', session: body.session, reason } }
    this.parts.outbox.queue(notice, responderKey(envelope.from, body.session), undefined)
    logger.warn(
      `${node} keeps a ${body.protocol} session init from ${envelope.from} for observation (${reason}): start the node with the responder to answer it, or reject it with \`colloquy hospital reject-init ${id}\`.`,
    )
    store.commits.afterCommit(() => this.parts.publish({ type: 'init-held', init: toHeld(row) }))
    return true
  }

  async list(): Promise<HeldInit[]> {
    return (await this.parts.store.heldInits()).map(toHeld)
  }

  /** At open: the inits whose protocol now has a responder are answered (`answer`), in the order they came. */
  async resume(registered: (protocol: string) => boolean, answer: (envelope: Envelope) => void): Promise<void> {
    for (const row of await this.parts.store.heldInits()) {
      if (!registered(row.protocol)) continue
      this.parts.store.deleteHeldInit(row.id)
      this.parts.outbox.discard(messageIds.held(row.session))
      answer(decode<Envelope>(row.envelope))
      this.parts.store.commits.afterCommit(() => this.parts.publish({ type: 'init-released', id: row.id, outcome: 'resumed' }))
    }
  }

  /** An operator rejects a held init: its initiator gets the reject with the reason. False when none is held under `id`. */
  async reject(id: string): Promise<boolean> {
    if (this.releasing.has(id)) return false
    this.releasing.add(id)
    try {
      const row = (await this.parts.store.heldInits()).find((r) => r.id === id)
      if (!row) return false
      const { node, store, outbox } = this.parts
      const reason = `${row.reason}; an operator of ${node} rejected the held session`
      const reject: Envelope = { id: messageIds.reject(row.session), from: node, to: row.sender, body: { t: 'reject', session: row.session, reason } }
      store.deleteHeldInit(id)
      outbox.discard(messageIds.held(row.session))
      outbox.queue(reject, responderKey(row.sender, row.session), undefined)
      await store.commits.commit()
      this.parts.publish({ type: 'init-released', id, outcome: 'rejected' })
      return true
    } finally {
      this.releasing.delete(id)
    }
  }
}
