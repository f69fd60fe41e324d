/** seededRandom: the PRNG behind fault plans; a schedule reported with its seed must replay the same. */
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../runtime/network/index.js'

const take = (next: () => number, n: number): number[] => Array.from({ length: n }, next)

describe('seededRandom', () => {
  it('gives the same sequence for the same seed', () => {
    expect(take(seededRandom(42), 100)).toEqual(take(seededRandom(42), 100))
  })

  it('gives other sequences for other seeds', () => {
    const sequences = [1, 2, 3, 42, 2 ** 32 - 1].map((seed) => take(seededRandom(seed), 5).join(','))
    expect(new Set(sequences).size).toBe(sequences.length)
  })

  it('stays mulberry32: seed 1 starts with the same numbers as when fault plans were first recorded', () => {
    expect(take(seededRandom(1), 3)).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522])
  })

  it('yields numbers in [0, 1), spread over the interval', () => {
    const values = take(seededRandom(7), 10_000)
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true)
    const buckets = [0, 0, 0, 0]
    for (const v of values) buckets[Math.floor(v * 4)]!++
    for (const count of buckets) expect(count).toBeGreaterThan(2_200)
  })

  it('treats the seed as a 32-bit unsigned integer', () => {
    expect(take(seededRandom(2 ** 32 + 5), 5)).toEqual(take(seededRandom(5), 5))
  })
})
