/**
 * What a flow ended from outside (killFlow) owes its counterparties, read from the store so that it works
 * alike for flows in memory, evicted flows and parked flows whose code is gone. Every session whose peer
 * still expects something gets an error frame numbered right after the last frame the peer can have
 * received; the peer sees UnexpectedFlowEndError at its next interaction with the session.
 */
import type { Envelope } from '../network/wire.js'
import { decode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { OutboxRow } from '../store/store-rows.js'
import type { InboxEvent } from './inbox-event.js'
import type { JournalEntry } from './journal-entry.js'
import { RESPONDER_SCOPE, isActionOf } from './journal-key.js'
import { messageIds } from './message-ids.js'
import { scopeOfInitiatedSession } from './initiated-session.js'
import { directionCode, parseSessionKey } from './session-key.js'

export interface Farewell {
  /** Error frames to queue, one per session whose peer still waits on this flow. */
  readonly errors: { readonly envelope: Envelope; readonly sessionKey: string }[]
  /** Outbox rows that must never leave: the init and held frames of sessions still awaiting their handshake. */
  readonly discard: string[]
  /** Outbox rows the peers are still owed (frames sent before the error); they go out before it is read. */
  readonly owed: OutboxRow[]
}

export async function farewell(store: Pick<FlowStore, 'journalOf' | 'inboxOf' | 'sessionsOf' | 'outboxOf'>, node: string, flowId: string): Promise<Farewell> {
  const [journalRows, inbox, sessionRows] = await Promise.all([store.journalOf(flowId), store.inboxOf(flowId), store.sessionsOf(flowId)])
  const journal = journalRows.map((j) => ({ key: j.key, entry: decode<JournalEntry>(j.entry) }))
  const outboxes = await Promise.all(sessionRows.map((row) => store.outboxOf(row.key)))
  const result: Farewell = { errors: [], discard: [], owed: [] }
  for (const [index, row] of sessionRows.entries()) {
    const { direction, id } = parseSessionKey(row.key, row.peer)
    const initiator = direction === 'initiator'
    const outbox = outboxes[index]!
    if (row.status === 'rejected') {
      result.discard.push(...outbox.map((o) => o.id))
      continue
    }
    // The session's own actions are journaled under its scope: `<scope>#<n>`.
    const scope = initiator ? scopeOfInitiatedSession(id, flowId, journal) : RESPONDER_SCOPE
    const own = journal.filter((j) => isActionOf(j.key, scope)).map((j) => j.entry)
    const sentSeqs = own.flatMap((e) => (e.k === 'send' || e.k === 'close' ? [e.seq] : []))
    let seq: number
    if (initiator && (row.status === 'opening' || row.status === 'held')) {
      // Nothing but the init can have left (later frames wait for the confirm), and the init carries
      // frame 0 when the first action was a send. The error follows it; if it overtakes the init, the
      // peer records the init as answered and never starts a responder for it.
      result.discard.push(...outbox.map((o) => o.id))
      seq = sentSeqs.includes(0) ? 1 : 0
    } else {
      result.owed.push(...outbox)
      const closed = own.some((e) => e.k === 'close')
      const peerGone = inbox.some((i) => i.session_key === row.key && decode<InboxEvent>(i.event).t !== 'data')
      if (closed || peerGone) continue
      seq = sentSeqs.length > 0 ? Math.max(...sentSeqs) + 1 : initiator ? 0 : 1
    }
    const dir = directionCode(direction)
    const envelope: Envelope = { id: messageIds.frame(id, dir, seq), from: node, to: row.peer, body: { t: 'error', session: id, dir, seq, exception: null } }
    result.errors.push({ envelope, sessionKey: row.key })
  }
  return result
}
