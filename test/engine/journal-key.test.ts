/** Journal keys `<scope>#<index>` are built and parsed in one module; the stored strings stay as they are. */
import { describe, expect, it } from 'vitest'
import { JournalScope, RESPONDER_SCOPE, ROOT_SCOPE, childScope, isActionOf, journalKey, openingKey, parseJournalKey } from '../../runtime/engine/journal-key.js'

describe('journal keys', () => {
  it('keep the stored form <scope>#<index>', () => {
    expect(journalKey(ROOT_SCOPE, 0)).toBe('#0')
    expect(journalKey('/2', 5)).toBe('/2#5')
    expect(journalKey(RESPONDER_SCOPE, 1)).toBe('/r#1')
  })

  it('parse back to scope and index, and refuse other strings', () => {
    expect(parseJournalKey('#0')).toEqual({ scope: '', index: 0 })
    expect(parseJournalKey('/0/3#12')).toEqual({ scope: '/0/3', index: 12 })
    expect(parseJournalKey('/r#1')).toEqual({ scope: '/r', index: 1 })
    expect(parseJournalKey('no-hash')).toBeUndefined()
    expect(parseJournalKey('/0#x')).toBeUndefined()
    expect(parseJournalKey('/0#')).toBeUndefined()
  })

  it('round-trip scopes and indexes', () => {
    for (const scope of ['', '/0', '/0/1', '/r', '/r/2/0']) {
      for (const index of [0, 1, 9, 10, 123]) expect(parseJournalKey(journalKey(scope, index))).toEqual({ scope, index })
    }
  })

  it('nest scopes, and find the action that opened one', () => {
    expect(childScope(ROOT_SCOPE, 2)).toBe('/2')
    expect(childScope('/2', 0)).toBe('/2/0')
    expect(openingKey('/2')).toBe('#2')
    expect(openingKey('/2/0')).toBe('/2#0')
    expect(openingKey(childScope('/1/4', 7))).toBe(journalKey('/1/4', 7))
  })

  it("tell a scope's own actions from those of scopes nested in it", () => {
    expect(isActionOf('/0#3', '/0')).toBe(true)
    expect(isActionOf('/0/1#3', '/0')).toBe(false)
    expect(isActionOf('#3', '')).toBe(true)
    expect(isActionOf('/0#3', '')).toBe(false)
  })

  it('number the actions of a scope in order, with a position for messages', () => {
    const root = new JournalScope(ROOT_SCOPE)
    expect(root.nextKey()).toEqual({ key: '#0', index: 0, where: 'action 1 of the flow' })
    expect(root.nextKey()).toEqual({ key: '#1', index: 1, where: 'action 2 of the flow' })
    const session = new JournalScope('/0')
    expect(session.nextKey()).toEqual({ key: '/0#0', index: 0, where: 'action 1 of scope /0' })
  })
})
