/** Failed logins per address: free at first, then locked for a doubling time; success clears the address. */
import { describe, expect, it } from 'vitest'
import { LoginThrottle } from '../../runtime/rpc/login-throttle.js'

describe('login throttle', () => {
  it('locks an address after five failures, doubling the lock with each further failure up to the cap', () => {
    let now = 0
    const throttle = new LoginThrottle({ now: () => now, maxLockMs: 4000 })
    for (let i = 0; i < 4; i++) throttle.failed('10.0.0.1')
    expect(throttle.lockedFor('10.0.0.1')).toBe(0)
    throttle.failed('10.0.0.1')
    expect(throttle.lockedFor('10.0.0.1')).toBe(1000)
    expect(throttle.lockedFor('10.0.0.2')).toBe(0)
    now = 1000
    throttle.failed('10.0.0.1')
    expect(throttle.lockedFor('10.0.0.1')).toBe(2000)
    throttle.failed('10.0.0.1')
    throttle.failed('10.0.0.1')
    expect(throttle.lockedFor('10.0.0.1')).toBe(4000)
  })

  it('clears an address on success and forgets idle ones', () => {
    let now = 0
    const throttle = new LoginThrottle({ now: () => now, freeFailures: 1, forgetAfterMs: 10_000 })
    throttle.failed('a')
    expect(throttle.lockedFor('a')).toBeGreaterThan(0)
    throttle.succeeded('a')
    expect(throttle.lockedFor('a')).toBe(0)
    throttle.failed('b')
    now = 10_001
    expect(throttle.lockedFor('b')).toBe(0)
  })

  it('keeps at most maxAddresses, dropping the least recently failed', () => {
    const throttle = new LoginThrottle({ freeFailures: 1, maxAddresses: 2 })
    throttle.failed('a')
    throttle.failed('b')
    throttle.failed('c')
    expect(throttle.lockedFor('a')).toBe(0)
    expect(throttle.lockedFor('b')).toBeGreaterThan(0)
    expect(throttle.lockedFor('c')).toBeGreaterThan(0)
  })
})
