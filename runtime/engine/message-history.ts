/**
 * A flow's message history (node.flowMessages): every message its journal records it sent or received, with
 * the session, counterparty, protocol version, label and payload, read from the store through its port
 * (journal, sessions, inbox, outbox), so it answers the same on every backend and for evicted flows.
 *
 * What the store holds decides what is shown. A `send` entry records the label, sequence number and the
 * payload's digest; the payload (or a choice's branch) too only on a node with keepSentPayloads. Without
 * it, a sent payload is in the store only while its envelope waits in the outbox for the peer's
 * acknowledgement: the journal's payload is preferred, then the outbox's. A `recv` entry records the sequence number of a frame that stays
 * in the inbox until the flow ends, so received payloads are all there. No time is recorded for a message.
 * When a flow ends, its sessions and inbox are removed (and its journal, unless kept), so a finished flow
 * has no history: the answer says `finished` with no messages. Order: a session's messages in the order
 * they happened, sessions where the flow opened them (a flow's structure; no times are recorded, so the
 * messages of sessions running concurrently are listed session after session).
 */
import type { Envelope, WireException } from '../network/wire.js'
import type { SessionFrame } from '../protocol/session/channel.js'
import { decode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { JournalRow, SessionRow } from '../store/store-rows.js'
import type { InboxEvent } from './inbox-event.js'
import { recordedSessionId } from './initiated-session.js'
import type { JournalEntry } from './journal-entry.js'
import { RESPONDER_SCOPE, ROOT_SCOPE, childScope, parseJournalKey } from './journal-key.js'
import { FlowNotFoundError } from './operation-errors.js'
import { initiatorKey, parseSessionKey } from './session-key.js'

/** One message of a flow's sessions, as its journal records it. */
export interface FlowMessage {
  /** Sent by this flow, or received from the counterparty. */
  readonly direction: 'sent' | 'received'
  /** The party at the other end of the session. */
  readonly counterparty: string
  /** The session's wire id. */
  readonly sessionId: string
  /** This flow's role in the session: it opened it (initiator) or answers it (responder). */
  readonly role: 'initiator' | 'responder'
  /** The session's protocol (its name, as generated modules declare it). */
  readonly protocol: string
  /** The negotiated version; null while several versions are on offer and the peer has not confirmed one. */
  readonly version: number | null
  /** Its number among the messages of its direction in the session (an initiator's first is 0, a responder's 1). */
  readonly seq: number
  /** data: a message of a protocol step; choice: a branch chosen; end: the role reached the protocol's end; error: the peer's flow failed. */
  readonly kind: 'data' | 'choice' | 'end' | 'error'
  /** The protocol step's label (a message's or a choice's; sub-protocols' prefixed); absent for end and error. */
  readonly label?: string
  /** The branch a choice took. */
  readonly branch?: string
  /**
   * A data message's payload is in the store: always for one received; for one sent, for the flow's life on a
   * node with keepSentPayloads (its journal keeps the payload), otherwise only until the peer acknowledged it.
   */
  readonly payloadKept?: boolean
  /** The payload as the flow sent or received it (Date, bigint, Map... as they are), when kept. */
  readonly payload?: unknown
  /** A received error: the declared error the peer's flow raised, or null for any other failure. */
  readonly exception?: WireException | null
  /** Where the flow recorded it (`<scope>#<index>`, journal-key.ts). */
  readonly journalKey: string
  /**
   * The sub-flows (ctx.subFlow) its session was opened in, outermost first, as WaitingFor.subFlows names them;
   * absent for a session of the flow itself.
   */
  readonly subFlows?: readonly string[]
}

/** What node.flowMessages answers for a flow. */
export interface FlowMessageHistory {
  /** The flow asked about. */
  readonly flowId: string
  /**
   * The flow finished: the node removed its sessions and inbox (and its journal, unless kept), so it keeps
   * no message history and `messages` is empty; its outcome is what remains (node.resultOf).
   */
  readonly finished: boolean
  /** In order: session by session as the flow opened them, each session's messages as they happened. */
  readonly messages: readonly FlowMessage[]
}

interface KeyedEntry {
  readonly key: string
  readonly scope: string
  readonly index: number
  readonly entry: JournalEntry
  /** The sub-flows the entry's scope runs in, outermost first (set by inFlowOrder). */
  readonly subFlows?: readonly string[]
}

/** Whether a step label of a protocol version is a choice, from the version's state table; undefined when the node has no table for it. */
export type ChoiceLabels = (protocol: string, version: number | null, label: string) => boolean | undefined

/** The history of `flowId`; rejects with FlowNotFoundError when the store has no such flow. */
export async function readMessageHistory(store: FlowStore, node: string, flowId: string, isChoice: ChoiceLabels): Promise<FlowMessageHistory> {
  const status = await store.flowStatus(flowId)
  if (status === undefined)
    throw new FlowNotFoundError(
      `Node ${node} has no flow ${flowId}: it never ran there, or it finished without a kept outcome; \`colloquy flow list\` lists the flows it has.`,
    )
  if (status.status !== 'running') return { flowId, finished: true, messages: [] }
  const [journal, sessions, inbox] = await Promise.all([store.journalOf(flowId), store.sessionsOf(flowId), store.inboxOf(flowId)])
  // The flow may have ended while the rows were read: what is left of it is then no history.
  if ((await store.flowStatus(flowId))?.status !== 'running') return { flowId, finished: true, messages: [] }
  const received = new Map(inbox.map((row) => [`${row.session_key}|${row.seq}`, decode<InboxEvent>(row.event)]))
  const entries = keyed(journal)
  const sessionOf = scopeSessions(flowId, entries, sessions)
  const ordered = inFlowOrder(entries)
  const sent = await sentFrames(store, ordered, sessionOf)
  const messages: FlowMessage[] = []
  for (const { key, scope, entry, subFlows } of ordered) {
    const session = sessionOf.get(scope)
    if (!session || (entry.k !== 'send' && entry.k !== 'recv' && entry.k !== 'close')) continue
    const { direction: role, id } = parseSessionKey(session.key, session.peer)
    const where = subFlows && subFlows.length > 0 ? { subFlows } : {}
    const base = {
      counterparty: session.peer,
      sessionId: id,
      role,
      protocol: session.protocol,
      version: session.version,
      seq: entry.seq,
      journalKey: key,
      ...where,
    }
    if (entry.k === 'close') messages.push({ direction: 'sent', ...base, kind: 'end' })
    else if (entry.k === 'send') {
      const frame = sent.get(`${session.key}|${entry.seq}`)
      messages.push({ direction: 'sent', ...base, ...sentContent(entry, frame, () => isChoice(session.protocol, session.version, entry.label)) })
    } else {
      const event = received.get(`${session.key}|${entry.seq}`)
      if (event) messages.push({ direction: 'received', ...base, ...receivedContent(event) })
    }
  }
  return { flowId, finished: false, messages }
}

function keyed(journal: readonly JournalRow[]): KeyedEntry[] {
  return journal.flatMap((row) => {
    const at = parseJournalKey(row.key)
    return at ? [{ key: row.key, ...at, entry: decode<JournalEntry>(row.entry) }] : []
  })
}

/** Which session each session scope belongs to: `s/i` to the one opened by `s#i`, `/r` to the session a responder answers. */
function scopeSessions(flowId: string, entries: readonly KeyedEntry[], sessions: readonly SessionRow[]): Map<string, SessionRow> {
  const byKey = new Map(sessions.map((row) => [row.key, row]))
  const result = new Map<string, SessionRow>()
  const answered = sessions.find((row) => row.key.startsWith('r:'))
  if (answered) result.set(RESPONDER_SCOPE, answered)
  for (const { scope, index, entry } of entries) {
    if (entry.k !== 'open') continue
    const child = childScope(scope, index)
    const row = byKey.get(initiatorKey(recordedSessionId(entry, flowId, child)))
    if (row) result.set(child, row)
  }
  return result
}

/**
 * Depth first: each scope's actions by index, a scope opened by an action right after it; a responder's session first.
 * Each entry gets the names of the sub-flows its scope runs in: a `sub` entry's scope runs in one more, a session's in those of its opener.
 */
function inFlowOrder(entries: readonly KeyedEntry[]): KeyedEntry[] {
  const byScope = new Map<string, KeyedEntry[]>()
  for (const e of entries) byScope.set(e.scope, [...(byScope.get(e.scope) ?? []), e])
  const ordered: KeyedEntry[] = []
  const walk = (scope: string, subFlows: readonly string[]) => {
    for (const e of (byScope.get(scope) ?? []).sort((a, b) => a.index - b.index)) {
      ordered.push({ ...e, subFlows })
      if (e.entry.k === 'open') walk(childScope(scope, e.index), subFlows)
      else if (e.entry.k === 'sub') walk(childScope(scope, e.index), [...subFlows, e.entry.name])
    }
  }
  walk(RESPONDER_SCOPE, [])
  walk(ROOT_SCOPE, [])
  return ordered
}

/**
 * Frames still in the outbox (not yet acknowledged), by `<session key>|<seq>`; the first frame may ride in the init.
 * Only sessions with a send whose entry lacks its content are read.
 */
async function sentFrames(store: FlowStore, ordered: readonly KeyedEntry[], sessionOf: Map<string, SessionRow>): Promise<Map<string, SessionFrame>> {
  const lacking = ordered.filter(({ entry }) => entry.k === 'send' && entry.b === undefined && !('p' in entry))
  const keys = new Set(lacking.flatMap((e) => sessionOf.get(e.scope)?.key ?? []))
  const frames = new Map<string, SessionFrame>()
  for (const rows of await Promise.all([...keys].map((key) => store.outboxOf(key))))
    for (const row of rows) {
      const { body } = decode<Envelope>(row.envelope)
      if (body.t === 'data') frames.set(`${row.session_key}|${body.seq}`, body.frame)
      else if (body.t === 'init' && body.first) frames.set(`${row.session_key}|0`, body.first)
    }
  return frames
}

/** The journal's payload or branch (keepSentPayloads) first, then the outbox's frame, else what the journal's label tells. */
function sentContent(
  entry: JournalEntry & { readonly k: 'send' },
  frame: SessionFrame | undefined,
  isChoice: () => boolean | undefined,
): Pick<FlowMessage, 'kind' | 'label' | 'branch' | 'payloadKept' | 'payload'> {
  const { label } = entry
  if (entry.b !== undefined) return { kind: 'choice', label, branch: entry.b }
  if ('p' in entry) return { kind: 'data', label, payloadKept: true, payload: entry.p }
  if (frame?.kind === 'choice') return { kind: 'choice', label, branch: frame.branch }
  if (frame) return { kind: 'data', label, payloadKept: true, payload: frame.payload }
  // Gone from the outbox (acknowledged): the journal records a choice's label as it records a message's, so
  // the version's state table tells them apart (a label it lacks, e.g. of an inlined protocol, counts as a message).
  return isChoice() ? { kind: 'choice', label } : { kind: 'data', label, payloadKept: false }
}

function receivedContent(event: InboxEvent): Pick<FlowMessage, 'kind' | 'label' | 'branch' | 'payloadKept' | 'payload' | 'exception'> {
  if (event.t === 'end') return { kind: 'end' }
  if (event.t === 'error') return { kind: 'error', exception: event.exception }
  const frame = event.frame
  if (frame.kind === 'choice') return { kind: 'choice', label: frame.label, branch: frame.branch }
  return { kind: 'data', label: frame.label, payloadKept: true, payload: frame.payload }
}
