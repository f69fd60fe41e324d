/** Untrustworthy: a received payload is reachable only through unwrap, where the business check goes. */
import { describe, expect, it } from 'vitest'
import { Untrustworthy } from '../../../runtime/protocol/index.js'

describe('Untrustworthy', () => {
  it('hands the value to the validator and returns what the validator returns', () => {
    const received = new Untrustworthy({ price: 12, currency: 'GBP' })
    expect(received.unwrap((v) => v.price * 2)).toBe(24)
    expect(received.unwrap((v) => v)).toEqual({ price: 12, currency: 'GBP' })
  })

  it('lets the validator refuse the value by throwing', () => {
    const received = new Untrustworthy(-5)
    expect(() =>
      received.unwrap((n) => {
        if (n < 0) throw new RangeError(`a negative amount (${n}) is not acceptable`)
        return n
      }),
    ).toThrow('a negative amount (-5) is not acceptable')
  })

  it('does not show the value any other way: no own keys, nothing in JSON', () => {
    const received = new Untrustworthy({ secret: 'peer data' })
    expect(Object.keys(received)).toEqual([])
    expect(JSON.stringify(received)).toBe('{}')
    expect(Object.getOwnPropertyNames(received)).toEqual([])
  })
})
