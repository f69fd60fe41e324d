/**
 * Failed RPC logins per source address: after `freeFailures` failures in a row, logins from that address
 * are refused unchecked for a lock that doubles with each further failure (1 s, 2 s, 4 s, ... up to
 * `maxLockMs`); a successful login clears the address. Entries idle for `forgetAfterMs` are dropped, and
 * at most `maxAddresses` are kept (the oldest go first), so a flood of addresses cannot grow memory.
 */
export interface LoginThrottleOptions {
  /** Failures in a row an address may have before it is locked (default 5). */
  readonly freeFailures?: number
  /** The first lock (default 1 s); each further failure doubles it. */
  readonly baseLockMs?: number
  /** The longest lock (default 60 s). */
  readonly maxLockMs?: number
  /** An address with no failure for this long is forgotten (default 15 minutes). */
  readonly forgetAfterMs?: number
  /** Addresses tracked at most (default 10,000); the least recently failed go first. */
  readonly maxAddresses?: number
  /** The clock (default Date.now), for tests. */
  readonly now?: () => number
}

interface Entry {
  failures: number
  lockedUntil: number
  lastAt: number
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>()
  private readonly freeFailures: number
  private readonly baseLockMs: number
  private readonly maxLockMs: number
  private readonly forgetAfterMs: number
  private readonly maxAddresses: number
  private readonly now: () => number

  constructor(options: LoginThrottleOptions = {}) {
    this.freeFailures = options.freeFailures ?? 5
    this.baseLockMs = options.baseLockMs ?? 1000
    this.maxLockMs = options.maxLockMs ?? 60_000
    this.forgetAfterMs = options.forgetAfterMs ?? 15 * 60_000
    this.maxAddresses = options.maxAddresses ?? 10_000
    this.now = options.now ?? Date.now
  }

  /** Milliseconds until `address` may try again; 0 when it may now. */
  lockedFor(address: string): number {
    const entry = this.entries.get(address)
    if (!entry) return 0
    const now = this.now()
    if (now - entry.lastAt > this.forgetAfterMs) {
      this.entries.delete(address)
      return 0
    }
    return Math.max(0, entry.lockedUntil - now)
  }

  failed(address: string): void {
    const now = this.now()
    const entry = this.entries.get(address) ?? { failures: 0, lockedUntil: 0, lastAt: now }
    entry.failures++
    entry.lastAt = now
    const over = entry.failures - this.freeFailures
    if (over >= 0) entry.lockedUntil = now + Math.min(this.maxLockMs, this.baseLockMs * 2 ** Math.min(over, 30))
    this.entries.delete(address) // re-insert: the map's order is the order of last use
    this.entries.set(address, entry)
    while (this.entries.size > this.maxAddresses) this.entries.delete(this.entries.keys().next().value!)
  }

  succeeded(address: string): void {
    this.entries.delete(address)
  }
}
