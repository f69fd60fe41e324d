/** Session ids a flow opens: random and recorded in the journal, while sessions of earlier versions keep their derived ids. */
import { describe, expect, it } from 'vitest'
import { newSessionId, recordedSessionId, scopeOfInitiatedSession } from '../../runtime/engine/initiated-session.js'
import type { JournalEntry } from '../../runtime/engine/journal-entry.js'

const open = (session?: string): JournalEntry => ({ k: 'open', protocol: 'P', peer: 'Bob', ...(session ? { session } : {}) })

describe('initiated session ids', () => {
  it('are random, not derived from the flow id', () => {
    const a = newSessionId()
    const b = newSessionId()
    expect(a).not.toBe(b)
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })

  it('are read back from the open entry on replay, or derived as before for an entry that has none', () => {
    expect(recordedSessionId(open('5b1c'), 'trade-1', '/0')).toBe('5b1c')
    expect(recordedSessionId(open(), 'trade-1', '/0/2')).toBe('trade-1/0/2')
  })

  it('lead back to the journal scope of their session, by the open entry that recorded them', () => {
    const journal = [
      { key: '#0', entry: open('5b1c') },
      { key: '#1', entry: { k: 'sub', name: 'inner' } as JournalEntry },
      { key: '/1#0', entry: open('9e7d') },
      { key: '/1#1', entry: open() },
    ]
    expect(scopeOfInitiatedSession('5b1c', 'trade-1', journal)).toBe('/0')
    expect(scopeOfInitiatedSession('9e7d', 'trade-1', journal)).toBe('/1/0')
    expect(scopeOfInitiatedSession('trade-1/1/1', 'trade-1', journal)).toBe('/1/1')
  })

  it('that no journal entry opened are an engine invariant', () => {
    expect(() => scopeOfInitiatedSession('trade-1/0', 'trade-1', [{ key: '#0', entry: open('5b1c') }])).toThrow(
      expect.objectContaining({ code: 'ENGINE_INVARIANT' }),
    )
  })
})
