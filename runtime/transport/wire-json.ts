/**
 * JSON for envelopes, extended so flow payloads keep the values the in-memory network (structured clone)
 * keeps: bigint, Date, Map, Set, Uint8Array and undefined. Such a value travels as a one-key object whose
 * key starts with '$' ({"$bigint":"12"}); a payload object that happens to look like that is escaped as
 * {"$obj": {...}}. Decoding walks top-down, so an escaped object is never read as a tag.
 */

const TAGGED = /^\$/

export class WireJsonError extends Error {
  override readonly name = 'WireJsonError'
}

export function encodeWireJson(value: unknown): string {
  const escaped = new WeakSet<object>()
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, converted: unknown) {
    const raw = this[key] // before toJSON: a Date is still a Date here
    switch (typeof raw) {
      case 'bigint':
        return { $bigint: raw.toString() }
      case 'undefined':
        return Array.isArray(this) ? { $undefined: 0 } : undefined
      case 'object': {
        if (raw === null) return null
        if (raw instanceof Date) return { $date: Number.isNaN(raw.getTime()) ? null : raw.toISOString() }
        if (raw instanceof Map) return { $map: [...raw.entries()] }
        if (raw instanceof Set) return { $set: [...raw.values()] }
        if (raw instanceof Uint8Array) return { $bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') }
        if (!Array.isArray(raw) && !escaped.has(raw)) {
          const keys = Object.keys(raw)
          if (keys.length === 1 && TAGGED.test(keys[0]!)) {
            escaped.add(raw)
            return { $obj: raw }
          }
        }
        return converted
      }
      default:
        return converted
    }
  })
}

/** Parses text written by `encodeWireJson`; throws WireJsonError on bad JSON or an unknown tag. */
export function decodeWireJson(text: string): unknown {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new WireJsonError(`not JSON (${(error as Error).message})`)
  }
  return revive(parsed, 0)
}

const MAX_DEPTH = 200

function revive(node: unknown, depth: number): unknown {
  if (typeof node !== 'object' || node === null) return node
  if (depth > MAX_DEPTH) throw new WireJsonError(`nested deeper than ${MAX_DEPTH} levels`)
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = revive(node[i], depth + 1)
    return node
  }
  const record = node as Record<string, unknown>
  const keys = Object.keys(record)
  if (keys.length === 1 && TAGGED.test(keys[0]!)) return untag(keys[0]!, record[keys[0]!], depth)
  reviveFields(record, keys, depth)
  return record
}

function reviveFields(record: Record<string, unknown>, keys: readonly string[], depth: number): void {
  for (const key of keys) {
    const value = record[key]
    const revived = revive(value, depth + 1)
    // defineProperty, not assignment: a key named __proto__ must stay a plain field.
    if (revived !== value) Object.defineProperty(record, key, { value: revived, writable: true, enumerable: true, configurable: true })
  }
}

function untag(tag: string, value: unknown, depth: number): unknown {
  switch (tag) {
    case '$bigint':
      if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw new WireJsonError('a $bigint tag without a decimal string')
      return BigInt(value)
    case '$date':
      if (value === null) return new Date(Number.NaN)
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new WireJsonError('a $date tag without an ISO date')
      return new Date(value)
    case '$undefined':
      return undefined
    case '$bytes':
      if (typeof value !== 'string') throw new WireJsonError('a $bytes tag without base64 text')
      return new Uint8Array(Buffer.from(value, 'base64'))
    case '$map': {
      const entries = revive(value, depth + 1)
      if (!Array.isArray(entries) || !entries.every((e) => Array.isArray(e) && e.length === 2)) throw new WireJsonError('a $map tag without [key, value] pairs')
      return new Map(entries as [unknown, unknown][])
    }
    case '$set': {
      const values = revive(value, depth + 1)
      if (!Array.isArray(values)) throw new WireJsonError('a $set tag without an array')
      return new Set(values)
    }
    case '$obj': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new WireJsonError('an $obj tag without an object')
      const record = value as Record<string, unknown>
      reviveFields(record, Object.keys(record), depth + 1)
      return record
    }
    default:
      throw new WireJsonError(`unknown tag ${JSON.stringify(tag)}`)
  }
}
