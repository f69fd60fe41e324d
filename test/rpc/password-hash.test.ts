/** RPC passwords are kept only as scrypt hashes; verification accepts the password and nothing else. */
import { describe, expect, it } from 'vitest'
import { hashPassword, isPasswordHash, UNMATCHABLE_HASH, verifyPassword } from '../../runtime/rpc/password-hash.js'

describe('password hashes', () => {
  it('hashes with scrypt and a fresh salt, never containing the password', async () => {
    const first = await hashPassword('correct horse')
    const second = await hashPassword('correct horse')
    expect(first).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
    expect(first).not.toBe(second)
    expect(first).not.toContain('correct horse')
    expect(isPasswordHash(first)).toBe(true)
  })

  it('verifies the right password only', async () => {
    const hash = await hashPassword('s3cret')
    expect(await verifyPassword('s3cret', hash)).toBe(true)
    expect(await verifyPassword('s3cret ', hash)).toBe(false)
    expect(await verifyPassword('', hash)).toBe(false)
  })

  it('refuses what is not a stored hash, and the stand-in for unknown users matches nothing', async () => {
    expect(isPasswordHash('s3cret')).toBe(false)
    expect(isPasswordHash('scrypt$3$8$1$AAAA$AAAA')).toBe(false) // N not a power of two
    expect(await verifyPassword('s3cret', 's3cret')).toBe(false)
    expect(isPasswordHash(UNMATCHABLE_HASH)).toBe(true)
    expect(await verifyPassword('', UNMATCHABLE_HASH)).toBe(false)
  })
})
