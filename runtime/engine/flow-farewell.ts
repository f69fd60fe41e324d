/**
 * What a flow ended from outside (killFlow) owes its counterparties, read from the store so that it works
 * alike for flows in memory, evicted flows and parked flows whose code is gone. Every session whose peer
 * still expects something gets an error frame numbered right after the last frame the peer can have
 * received; the peer sees UnexpectedFlowEndError at its next interaction with the session.
 */
import type { Envelope } from '../network/wire.js'
import { decode } from '../store/codec.js'
import type { FlowStore, OutboxRow } from '../store/sqlite-store.js'
import type { InboxEvent } from './engine-session.js'
import type { JournalEntry } from './journal-entry.js'
import { messageIds } from './message-ids.js'

export interface Farewell {
  /** Error frames to queue, one per session whose peer still waits on this flow. */
  readonly errors: { readonly envelope: Envelope; readonly sessionKey: string }[]
  /** Outbox rows that must never leave: the init and held frames of sessions still awaiting their handshake. */
  readonly discard: string[]
  /** Outbox rows the peers are still owed (frames sent before the error); they go out before it is read. */
  readonly owed: OutboxRow[]
}

export function farewell(store: FlowStore, node: string, flowId: string): Farewell {
  const journal = store.journalOf(flowId).map((j) => ({ key: j.key, entry: decode<JournalEntry>(j.entry) }))
  const inbox = store.inboxOf(flowId)
  const result: Farewell = { errors: [], discard: [], owed: [] }
  for (const row of store.sessionsOf(flowId)) {
    const dir = row.key.startsWith('i:') ? ('i' as const) : ('r' as const)
    const id = dir === 'i' ? row.key.slice(2) : row.key.slice(3 + row.peer.length)
    const outbox = store.outboxOf(row.key)
    if (row.status === 'rejected') {
      result.discard.push(...outbox.map((o) => o.id))
      continue
    }
    // The session's own actions are journaled under its scope: `<scope>#<n>`.
    const scope = dir === 'i' ? row.key.slice(2 + flowId.length) : '/r'
    const own = journal.filter((j) => j.key.startsWith(`${scope}#`) && /^\d+$/.test(j.key.slice(scope.length + 1))).map((j) => j.entry)
    const sentSeqs = own.flatMap((e) => (e.k === 'send' || e.k === 'close' ? [e.seq] : []))
    let seq: number
    if (dir === 'i' && row.status === 'opening') {
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
      seq = sentSeqs.length > 0 ? Math.max(...sentSeqs) + 1 : dir === 'i' ? 0 : 1
    }
    const envelope: Envelope = { id: messageIds.frame(id, dir, seq), from: node, to: row.peer, body: { t: 'error', session: id, dir, seq, exception: null } }
    result.errors.push({ envelope, sessionKey: row.key })
  }
  return result
}
