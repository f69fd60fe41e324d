/**
 * RPC passwords as stored in node.json: only a scrypt hash (node:crypto), written
 * `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>`, so the cost can rise without breaking stored hashes.
 * Verification runs off the event loop and compares in constant time.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

const COST = { N: 16_384, r: 8, p: 1 } as const
const KEY_BYTES = 32
const PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/

function derive(password: string, salt: Buffer, N: number, r: number, p: number, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, bytes, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
  )
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, COST.N, COST.r, COST.p, KEY_BYTES)
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

/** True when `hash` is in the stored form (checked when node.json is read). */
export function isPasswordHash(hash: string): boolean {
  const match = PATTERN.exec(hash)
  if (!match) return false
  const N = Number(match[1])
  return N >= 1024 && N <= 1_048_576 && (N & (N - 1)) === 0 && Number(match[2]) <= 32 && Number(match[3]) <= 16
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const match = PATTERN.exec(hash)
  if (!match || !isPasswordHash(hash)) return false
  const expected = Buffer.from(match[5]!, 'base64')
  const key = await derive(password, Buffer.from(match[4]!, 'base64'), Number(match[1]), Number(match[2]), Number(match[3]), expected.length)
  return timingSafeEqual(key, expected)
}

/** A hash no password matches, verified for unknown users so that a missing user costs as much time as a wrong password. */
export const UNMATCHABLE_HASH = `scrypt$${COST.N}$${COST.r}$${COST.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_BYTES).toString('base64')}`
