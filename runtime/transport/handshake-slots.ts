/**
 * Who may hold a connection in its handshake: at most `perAddress` per source address (address-key.ts)
 * and `total` in all. The per-address limit binds first, so a stranger takes only its own address's
 * slots; the total is a last resort against many addresses at once, and even then a newcomer is refused
 * only when its own address holds as many slots as any other: otherwise the oldest pending connection of
 * the busiest address gives way. A peer's connection is never refused because of another address's load.
 */
export interface HandshakeLimits {
  readonly perAddress: number
  readonly total: number
}

export type Admission<T> = { readonly refused: 'address' | 'total' } | { readonly evict: T | undefined }

export class HandshakeSlots<T> {
  /** Pending items per address key, oldest first. */
  private readonly byAddress = new Map<string, Set<T>>()
  private readonly addressOf = new Map<T, string>()

  constructor(
    readonly perAddress: number,
    readonly total: number,
  ) {}

  get size(): number {
    return this.addressOf.size
  }

  /** Whether a new connection from `key` may have a slot, and which pending one must give it up first. */
  admit(key: string): Admission<T> {
    const own = this.byAddress.get(key)?.size ?? 0
    if (own >= this.perAddress) return { refused: 'address' }
    if (this.addressOf.size < this.total) return { evict: undefined }
    let busiest: Set<T> | undefined
    for (const items of this.byAddress.values()) if (!busiest || items.size > busiest.size) busiest = items
    if (!busiest || busiest.size <= own) return { refused: 'total' }
    return { evict: busiest.values().next().value }
  }

  hold(key: string, item: T): void {
    let items = this.byAddress.get(key)
    if (!items) this.byAddress.set(key, (items = new Set()))
    items.add(item)
    this.addressOf.set(item, key)
  }

  /**
   * Frees the item's slot (it authenticated, closed or was evicted) and returns the address it was held
   * for; a second release does nothing and returns undefined.
   */
  release(item: T): string | undefined {
    const key = this.addressOf.get(item)
    if (key === undefined) return undefined
    this.addressOf.delete(item)
    const items = this.byAddress.get(key)!
    items.delete(item)
    if (items.size === 0) this.byAddress.delete(key)
    return key
  }
}
