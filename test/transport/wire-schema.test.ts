/**
 * The envelope check at the process boundary: the wire schemas of runtime/network/wire.ts accept what
 * the engine sends, keep today's bounds, and name the first offending field in the reason.
 */
import { describe, expect, it } from 'vitest'
import type { Envelope } from '../../runtime/network/wire.js'
import { checkEnvelope } from '../../runtime/transport/wire-schema.js'

const init: Envelope = {
  id: 'Alice/f1/i:1/0',
  from: 'Alice',
  to: 'Bob',
  body: { t: 'init', session: 'i:1', protocol: 'Demo', versions: [{ version: 1, hash: 'sha256:ab' }], first: { kind: 'data', label: 'amount', payload: 42 } },
}

const bodies: Envelope['body'][] = [
  init.body,
  { t: 'confirm', session: 'i:1', version: 1 },
  { t: 'reject', session: 'i:1', reason: 'no common version' },
  { t: 'held', session: 'i:1', reason: 'no responder for Demo is registered on Bob' },
  { t: 'data', session: 'i:1', dir: 'r', seq: 1, frame: { kind: 'choice', label: 'decision', branch: 'accept' } },
  { t: 'end', session: 'i:1', dir: 'i', seq: 3 },
  { t: 'error', session: 'i:1', dir: 'r', seq: 2, exception: { protocol: 'Demo', errorType: 'Timeout', message: 'too slow', details: { ms: 5 } } },
  { t: 'error', session: 'i:1', dir: 'r', seq: 2, exception: null },
]

function reason(value: unknown): string {
  const checked = checkEnvelope(value)
  if (checked.ok) throw new Error('expected the envelope to be rejected')
  return checked.reason
}

describe('checkEnvelope', () => {
  it('accepts every message kind the engine sends, unchanged', () => {
    for (const body of bodies) {
      const checked = checkEnvelope(structuredClone({ ...init, body }))
      expect(checked).toEqual({ ok: true, envelope: { ...init, body } })
    }
  })

  it('returns a value the engine cannot change', () => {
    const checked = checkEnvelope(structuredClone(init))
    if (!checked.ok) throw new Error(checked.reason)
    expect(Object.isFrozen(checked.envelope)).toBe(true)
    expect(Object.isFrozen(checked.envelope.body)).toBe(true)
  })

  it('names the first offending field', () => {
    expect(reason('nope')).toMatch(/^envelope: /)
    expect(reason({ ...init, body: undefined })).toMatch(/^body: /)
    expect(reason({ ...init, body: { ...init.body, t: 'gossip' } })).toMatch(/^body\.t: /)
    expect(reason({ ...init, body: { t: 'data', session: 'i:1', dir: 'x', seq: 0, frame: { kind: 'data', label: 'a', payload: 1 } } })).toMatch(/^body\.dir: /)
    expect(reason({ ...init, body: { t: 'end', session: 'i:1', dir: 'i', seq: -1 } })).toMatch(/^body\.seq: /)
    expect(reason({ ...init, body: { t: 'end', session: 'i:1', dir: 'i', seq: 1.5 } })).toMatch(/^body\.seq: /)
    expect(reason({ ...init, body: { ...init.body, first: { kind: 'data', payload: 1 } } })).toMatch(/^body\.first\.label: /)
  })

  it('keeps the bounds on names, ids, sessions, labels, hashes and version lists', () => {
    expect(reason({ ...init, from: '' })).toMatch(/^from: /)
    expect(reason({ ...init, to: 'x'.repeat(257) })).toMatch(/^to: /)
    expect(checkEnvelope({ ...init, to: 'x'.repeat(256) }).ok).toBe(true)
    expect(reason({ ...init, id: 'x'.repeat(1025) })).toMatch(/^id: /)
    expect(reason({ ...init, body: { ...init.body, session: 's'.repeat(257) } })).toMatch(/^body\.session: /)
    expect(reason({ ...init, body: { ...init.body, first: { kind: 'data', label: 'l'.repeat(1025), payload: 1 } } })).toMatch(/^body\.first\.label: /)
    expect(reason({ ...init, body: { ...init.body, versions: [{ version: 1, hash: 'h'.repeat(257) }] } })).toMatch(/^body\.versions\.0\.hash: /)
    const many = Array.from({ length: 1025 }, (_, version) => ({ version, hash: 'sha256:ab' }))
    expect(reason({ ...init, body: { ...init.body, versions: many } })).toMatch(/^body\.versions: /)
  })
})
