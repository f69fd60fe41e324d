/**
 * The wire id of a session a flow opens, and the way back from that id to the session's journal scope.
 * A new session gets a random id (a UUID) recorded in the journal's `open` entry, so a replay reuses it
 * and no other party can know it before the init arrives: ids derived from flow ids (which applications
 * often choose, `trade-1`) let a third party write into a session before it exists. Sessions opened by
 * an earlier version keep their `<flow id><scope>` id: their `open` entry has no `session`.
 */
import { randomUUID } from 'node:crypto'
import { EngineInvariantError } from './engine-errors.js'
import type { JournalEntry } from './journal-entry.js'
import { childScope, parseJournalKey } from './journal-key.js'

/** The id of a session opened now: random, unique across nodes. */
export function newSessionId(): string {
  return randomUUID()
}

/** The id of a session opened by the recorded `open` entry at `scope`: the one it recorded, else the derived one. */
export function recordedSessionId(entry: JournalEntry, flowId: string, scope: string): string {
  return (entry.k === 'open' && entry.session) || `${flowId}${scope}`
}

/** A journal entry with its key (`<scope>#<index>`). */
export interface KeyedEntry {
  readonly key: string
  readonly entry: JournalEntry
}

/** The `open` entry that opened session `id` of flow `flowId`, with its key; undefined when the journal has none. */
export function openingEntry(id: string, flowId: string, journal: readonly KeyedEntry[]): KeyedEntry | undefined {
  for (const j of journal) if (j.entry.k === 'open' && j.entry.session === id) return j
  if (!id.startsWith(flowId)) return undefined
  const scope = id.slice(flowId.length)
  const cut = scope.lastIndexOf('/')
  const key = `${scope.slice(0, cut)}#${scope.slice(cut + 1)}`
  return journal.find((j) => j.key === key && j.entry.k === 'open' && j.entry.session === undefined)
}

/** The journal scope of session `id`, which flow `flowId` initiated (its actions are `<scope>#<n>`). */
export function scopeOfInitiatedSession(id: string, flowId: string, journal: readonly KeyedEntry[]): string {
  const opening = openingEntry(id, flowId, journal)
  const at = opening && parseJournalKey(opening.key)
  if (!at)
    throw new EngineInvariantError(
      `Flow ${flowId} has a session ${id} that no entry of its journal opened; this is a bug in the engine, or the store was modified outside Colloquy.`,
    )
  return childScope(at.scope, at.index)
}
