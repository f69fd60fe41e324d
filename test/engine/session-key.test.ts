/** Session keys are built and parsed in one module: the stored strings stay as they are, words in memory. */
import { describe, expect, it } from 'vitest'
import { directionCode, directionOf, directionOfKey, initiatorKey, parseSessionKey, responderKey, sessionKey } from '../../runtime/engine/session-key.js'

describe('session keys', () => {
  it('keep the stored forms i:<id> and r:<initiator>:<id>', () => {
    expect(initiatorKey('f1/0')).toBe('i:f1/0')
    expect(responderKey('Alice', 'f1/0')).toBe('r:Alice:f1/0')
    expect(sessionKey('initiator', 'Bob', 'f1/0')).toBe('i:f1/0')
    expect(sessionKey('responder', 'Alice', 'f1/0')).toBe('r:Alice:f1/0')
  })

  it('parse back to a direction word and the wire id', () => {
    expect(parseSessionKey('i:f1/0', 'Bob')).toEqual({ direction: 'initiator', id: 'f1/0' })
    expect(parseSessionKey('r:Alice:f1/0', 'Alice')).toEqual({ direction: 'responder', id: 'f1/0' })
    expect(directionOfKey('i:f1/0')).toBe('initiator')
    expect(directionOfKey('r:Alice:f1/0')).toBe('responder')
  })

  it('parse responder keys of parties whose names contain a colon', () => {
    const key = responderKey('O=Alice:L=London', 'x:y/1')
    expect(key).toBe('r:O=Alice:L=London:x:y/1')
    expect(parseSessionKey(key, 'O=Alice:L=London')).toEqual({ direction: 'responder', id: 'x:y/1' })
  })

  it('round-trip every direction and id', () => {
    for (const direction of ['initiator', 'responder'] as const) {
      for (const id of ['a', 'f-1/0', 'f/0/2/1', 'with:colon']) {
        expect(parseSessionKey(sessionKey(direction, 'Peer', id), 'Peer')).toEqual({ direction, id })
      }
    }
  })

  it('refuse a key that is neither form, naming the expected shapes, as an engine invariant', () => {
    expect(() => parseSessionKey('x:f1', 'Bob')).toThrow(`The session key 'x:f1' is neither 'i:<id>' nor 'r:Bob:<id>'`)
    let thrown: unknown
    try {
      parseSessionKey('r:Mallory:f1', 'Bob')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ code: 'ENGINE_INVARIANT', name: 'EngineInvariantError' })
  })

  it('use the one-letter codes only as the wire and stored encoding of a direction', () => {
    expect(directionCode('initiator')).toBe('i')
    expect(directionCode('responder')).toBe('r')
    expect(directionOf('i')).toBe('initiator')
    expect(directionOf('r')).toBe('responder')
  })
})
