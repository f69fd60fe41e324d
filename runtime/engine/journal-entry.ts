/**
 * What the journal records. Keys are `<scope>#<index>`: the flow's root scope is '', a sub-flow or a
 * session opened at index i of scope s gets scope `s/i`, and a session's scope orders its sends,
 * receives and the steps its handler runs. Scoping by session (not one global counter) is what lets
 * concurrent sessions (Promise.all over counterparties) replay in whatever order their messages arrive.
 */
import type { SessionFrame, VersionOffer, WaitForResult } from '../protocol/session/channel.js'

export type JournalEntry =
  /**
   * `offers`: the versions offered at the open, so a node can tell at start which versions a session still awaiting its handshake may need.
   * `session`: the session's random wire id (initiated-session.ts); absent in entries of sessions opened before ids were random.
   */
  | { readonly k: 'open'; readonly protocol: string; readonly peer: string; readonly offers?: readonly VersionOffer[]; readonly session?: string }
  /**
   * `d`: the payload's digest (payload-digest.ts), compared on replay; absent in entries journaled before digests existed.
   * `p` (a data message's payload) or `b` (a choice's branch): only with NodeOptions.keepSentPayloads, for the message
   * history (message-history.ts); the replay never reads them.
   */
  | { readonly k: 'send'; readonly label: string; readonly seq: number; readonly d?: number; readonly p?: unknown; readonly b?: string }
  | { readonly k: 'recv'; readonly seq: number }
  | { readonly k: 'close'; readonly seq: number }
  | { readonly k: 'step'; readonly name: string; readonly ok: true; readonly value: unknown }
  | { readonly k: 'step'; readonly name: string; readonly ok: false; readonly error: { readonly name: string; readonly message: string } }
  | { readonly k: 'sleep'; readonly until: number }
  | { readonly k: 'sub'; readonly name: string }
  /** ctx.waitFor: `until` when it has a timeout; `result` once a signal or the timeout ended it (external-events.ts). */
  | { readonly k: 'wait'; readonly name: string; readonly until: number | null; readonly result?: WaitForResult<unknown> }

/** What the flow asks for at a key; compared with the recorded entry during replay. */
export interface RequestedAction {
  readonly k: JournalEntry['k']
  /** The identifying detail: step or sub-flow name, message label, `protocol with peer`. */
  readonly what?: string
}

export function identify(entry: JournalEntry): string | undefined {
  switch (entry.k) {
    case 'open':
      return `${entry.protocol} with ${entry.peer}`
    case 'send':
      return entry.label
    case 'step':
    case 'sub':
    case 'wait':
      return entry.name
    default:
      return undefined
  }
}

export function matches(entry: JournalEntry, wanted: RequestedAction): boolean {
  return entry.k === wanted.k && (wanted.what === undefined || identify(entry) === wanted.what)
}

const verbs: Record<JournalEntry['k'], string> = {
  open: 'open a session',
  send: 'send',
  recv: 'receive',
  close: 'close the session',
  step: 'step',
  sleep: 'sleep',
  sub: 'sub-flow',
  wait: 'wait for event',
}

export function describeAction(action: RequestedAction | JournalEntry): string {
  const what = 'what' in action ? action.what : identify(action as JournalEntry)
  if (what === undefined) return verbs[action.k]
  if (action.k === 'open') return `open a session for ${what}`
  return `${verbs[action.k]} '${what}'`
}

/** A `send` entry that also keeps what was sent: the payload of a data message, the branch of a choice (NodeOptions.keepSentPayloads). */
export function keepingContent(entry: JournalEntry & { readonly k: 'send' }, frame: SessionFrame): JournalEntry {
  return frame.kind === 'choice' ? { ...entry, b: frame.branch } : { ...entry, p: frame.payload }
}
