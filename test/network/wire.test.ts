/**
 * The wire schema: every message kind the engine sends parses to itself, and what a peer process could
 * send outside the bounds (unknown kinds, bad directions, negative sequence numbers, empty or oversized
 * names) is rejected before the engine sees it.
 */
import { describe, expect, it } from 'vitest'
import { type Envelope, envelopeSchema } from '../../runtime/network/wire.js'

const session = 'flow-1/0'
const envelope = (body: unknown, overrides: Partial<Record<'id' | 'from' | 'to', string>> = {}) => ({
  id: `${session}/x`,
  from: 'Alice',
  to: 'Bob',
  body,
  ...overrides,
})

const valid: Envelope[] = [
  envelope({ t: 'init', session, protocol: 'Echo', versions: [{ version: 1, hash: 'sha256:ab' }], first: { kind: 'choice', label: 'next', branch: 'ping' } }),
  envelope({ t: 'init', session, protocol: 'Echo', versions: [], first: null }),
  envelope({ t: 'confirm', session, version: 1 }),
  envelope({ t: 'reject', session, reason: 'Bob does not run Echo' }),
  envelope({ t: 'held', session, reason: 'no responder for Echo is registered on Bob' }),
  envelope({ t: 'data', session, dir: 'i', seq: 3, frame: { kind: 'data', label: 'ping', payload: { round: 1, text: 'x' } } }),
  envelope({ t: 'end', session, dir: 'r', seq: 4 }),
  envelope({ t: 'error', session, dir: 'r', seq: 5, exception: null }),
  envelope({ t: 'error', session, dir: 'i', seq: 2, exception: { protocol: 'Quote', errorType: 'TooExpensive', message: 'too much', details: { limit: 3 } } }),
] as Envelope[]

describe('envelopeSchema', () => {
  it('parses every kind of message the engine sends to an equal value', () => {
    for (const e of valid) expect(envelopeSchema.parse(e)).toEqual(e)
  })

  it('rejects unknown message kinds, directions, and sequence numbers that are negative or fractional', () => {
    const rejected = [
      envelope({ t: 'ping', session }),
      envelope({ t: 'data', session, dir: 'x', seq: 0, frame: { kind: 'data', label: 'a', payload: 1 } }),
      envelope({ t: 'end', session, dir: 'i', seq: -1 }),
      envelope({ t: 'end', session, dir: 'i', seq: 1.5 }),
      envelope({ t: 'data', session, dir: 'i', seq: 0, frame: { kind: 'signal', label: 'a' } }),
      envelope({ t: 'confirm', session }),
    ]
    for (const e of rejected) expect(envelopeSchema.safeParse(e).success, JSON.stringify(e)).toBe(false)
  })

  it('rejects empty or oversized names, ids, sessions and labels', () => {
    const end = { t: 'end', session, dir: 'i', seq: 0 }
    expect(envelopeSchema.safeParse(envelope(end, { from: '' })).success).toBe(false)
    expect(envelopeSchema.safeParse(envelope(end, { to: 'B'.repeat(257) })).success).toBe(false)
    expect(envelopeSchema.safeParse(envelope(end, { id: 'i'.repeat(1025) })).success).toBe(false)
    expect(envelopeSchema.safeParse(envelope({ ...end, session: '' })).success).toBe(false)
    expect(
      envelopeSchema.safeParse(envelope({ t: 'data', session, dir: 'i', seq: 0, frame: { kind: 'data', label: 'l'.repeat(1025), payload: 1 } })).success,
    ).toBe(false)
    expect(envelopeSchema.safeParse(envelope(end, { to: 'B'.repeat(256) })).success).toBe(true)
  })
})
