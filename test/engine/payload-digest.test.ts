import { describe, expect, it } from 'vitest'
import { frameDigest } from '../../runtime/engine/payload-digest.js'

const data = (payload: unknown, label = 'm') => frameDigest({ kind: 'data', label, payload })

describe('frameDigest', () => {
  it('is the same for equal frames built separately', () => {
    const build = () => ({ at: new Date(5), m: new Map([['k', [1, 2n]]]), s: new Set(['x']), bytes: new Uint8Array([1, 2]), long: 'y'.repeat(1000) })
    expect(data(build())).toBe(data(build()))
    expect(Number.isSafeInteger(data(build()))).toBe(true)
  })

  it('differs for frames that differ anywhere: label, kind, type, order, a single character or bit', () => {
    const digests = [
      data(1),
      data(1, 'other'),
      data('1'),
      data(1n),
      data(true),
      data(null),
      data(undefined),
      data([1]),
      data({ a: 1, b: 2 }),
      data({ a: 2, b: 1 }),
      data({ b: 1, a: 2 }),
      data(new Map([['a', 1]])),
      data(new Set([1])),
      data(new Date(1)),
      data(new Uint8Array([1])),
      data(0.1),
      data(0.1 + Number.EPSILON),
      data(`${'x'.repeat(999)}a`),
      data(`${'x'.repeat(999)}b`),
      data(new Uint8Array(300).fill(1)),
      data(new Uint8Array(300).fill(2)),
      frameDigest({ kind: 'choice', label: 'm', branch: 'yes' }),
      frameDigest({ kind: 'choice', label: 'm', branch: 'no' }),
    ]
    expect(new Set(digests).size).toBe(digests.length)
  })
})
