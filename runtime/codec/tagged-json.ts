/**
 * JSON extended so values keep what structured clone keeps: bigint, Date, Map, Set, Uint8Array and
 * undefined. Such a value is written as a one-key object whose key starts with '$' ({"$bigint":"12"}); an
 * object that happens to look like that is escaped as {"$obj": {...}}. Decoding walks top-down, so an
 * escaped object is never read as a tag. Pure (no I/O, no runtime layer): the transport writes envelopes
 * with it (runtime/transport/wire-json.ts) and the store kept outcomes (runtime/store/stored-outcome.ts).
 *
 * Byte arrays of BLOB_MIN_BYTES or more are not put into the text at all when the caller collects them:
 * they become {"$blob": index} and travel as raw bytes beside the JSON (see runtime/transport/envelope-codec.ts).
 *
 * Text from someone else is decoded with limits (TaggedJsonLimits): each is checked on the raw value
 * before it is turned into anything, so a value over a limit costs no more than reading it. A bigint is
 * the one value whose decoding grows faster than its text (a million digits take most of a second).
 */

const TAGGED = /^\$/
export const BLOB_MIN_BYTES = 256

/** Builds the error thrown for text that is not tagged JSON as `encodeTaggedJson` writes it; `reason` is a phrase. */
export type MalformedTaggedJson = (reason: string) => Error

/** Encodes `value`; large byte arrays are appended to `blobs` when it is given, else written as base64. */
export function encodeTaggedJson(value: unknown, blobs?: Uint8Array[]): string {
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
        if (raw instanceof Uint8Array) {
          if (blobs && raw.byteLength >= BLOB_MIN_BYTES) return { $blob: blobs.push(raw) - 1 }
          return { $bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') }
        }
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

/** The largest values a decoding accepts; a value over one is malformed text. */
export interface TaggedJsonLimits {
  /** Digits of a bigint (its sign not counted). */
  readonly bigintDigits: number
  /** Characters of a string (a key, a text, a date). */
  readonly stringChars: number
  /** Bytes of a byte array written in the text (base64); attachments are bounded by the frame that carries them. */
  readonly bytes: number
  /** Items of an array, entries of a map, values of a set. */
  readonly arrayItems: number
  /** Levels of nested arrays and objects. */
  readonly depth: number
}

/** No limit but the depth: for text this process wrote itself (the store's). */
export const TRUSTED_LIMITS: TaggedJsonLimits = {
  bigintDigits: Number.POSITIVE_INFINITY,
  stringChars: Number.POSITIVE_INFINITY,
  bytes: Number.POSITIVE_INFINITY,
  arrayItems: Number.POSITIVE_INFINITY,
  depth: 200,
}

/** Parses text written by `encodeTaggedJson` (with the blobs kept beside it); malformed text throws what `malformed` builds. */
export function decodeTaggedJson(
  text: string,
  blobs: readonly Uint8Array[],
  malformed: MalformedTaggedJson,
  limits: TaggedJsonLimits = TRUSTED_LIMITS,
): unknown {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw malformed(`not JSON (${(error as Error).message})`)
  }
  return revive(parsed, 0, { blobs, malformed, limits })
}

interface Reading {
  readonly blobs: readonly Uint8Array[]
  readonly malformed: MalformedTaggedJson
  readonly limits: TaggedJsonLimits
}

function revive(node: unknown, depth: number, reading: Reading): unknown {
  if (typeof node !== 'object' || node === null) {
    if (typeof node === 'string' && node.length > reading.limits.stringChars) throw tooLong(reading, 'a string', node.length, 'characters', 'stringChars')
    return node
  }
  const { limits } = reading
  if (depth > limits.depth) throw reading.malformed(`nested deeper than ${limits.depth} levels`)
  if (Array.isArray(node)) {
    if (node.length > limits.arrayItems) throw tooLong(reading, 'an array', node.length, 'items', 'arrayItems')
    for (let i = 0; i < node.length; i++) node[i] = revive(node[i], depth + 1, reading)
    return node
  }
  const record = node as Record<string, unknown>
  const keys = Object.keys(record)
  if (keys.length === 1 && TAGGED.test(keys[0]!)) return untag(keys[0]!, record[keys[0]!], depth, reading)
  reviveFields(record, keys, depth, reading)
  return record
}

const tooLong = (reading: Reading, what: string, length: number, unit: string, limit: keyof TaggedJsonLimits) =>
  reading.malformed(`${what} of ${length} ${unit}, over the limit of ${reading.limits[limit]} (${limit})`)

function reviveFields(record: Record<string, unknown>, keys: readonly string[], depth: number, reading: Reading): void {
  for (const key of keys) {
    if (key.length > reading.limits.stringChars) throw tooLong(reading, 'a key', key.length, 'characters', 'stringChars')
    const value = record[key]
    const revived = revive(value, depth + 1, reading)
    // defineProperty, not assignment: a key named __proto__ must stay a plain field.
    if (revived !== value) Object.defineProperty(record, key, { value: revived, writable: true, enumerable: true, configurable: true })
  }
}

function untag(tag: string, value: unknown, depth: number, reading: Reading): unknown {
  const { blobs, malformed, limits } = reading
  switch (tag) {
    case '$bigint': {
      if (typeof value !== 'string') throw malformed('a $bigint tag without a decimal string')
      // Checked before the digits are read: BigInt() takes time that grows faster than the text.
      const digits = value.startsWith('-') ? value.length - 1 : value.length
      if (digits > limits.bigintDigits) throw tooLong(reading, 'a $bigint', digits, 'digits', 'bigintDigits')
      if (!/^-?\d+$/.test(value)) throw malformed('a $bigint tag without a decimal string')
      return BigInt(value)
    }
    case '$date':
      if (value === null) return new Date(Number.NaN)
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw malformed('a $date tag without an ISO date')
      return new Date(value)
    case '$undefined':
      return undefined
    case '$bytes': {
      if (typeof value !== 'string') throw malformed('a $bytes tag without base64 text')
      const bytes = Math.floor((value.length * 3) / 4)
      if (bytes > limits.bytes) throw tooLong(reading, 'a $bytes tag', bytes, 'bytes', 'bytes')
      return new Uint8Array(Buffer.from(value, 'base64'))
    }
    case '$blob': {
      const blob = typeof value === 'number' && Number.isInteger(value) ? blobs[value] : undefined
      if (!blob) throw malformed(`a $blob tag naming attachment ${JSON.stringify(value)}, which the envelope does not carry`)
      return new Uint8Array(blob) // a copy: the frame's buffer is not kept alive
    }
    case '$map': {
      const entries = revive(value, depth + 1, reading)
      if (!Array.isArray(entries) || !entries.every((e) => Array.isArray(e) && e.length === 2)) throw malformed('a $map tag without [key, value] pairs')
      return new Map(entries as [unknown, unknown][])
    }
    case '$set': {
      const values = revive(value, depth + 1, reading)
      if (!Array.isArray(values)) throw malformed('a $set tag without an array')
      return new Set(values)
    }
    case '$obj': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed('an $obj tag without an object')
      const record = value as Record<string, unknown>
      reviveFields(record, Object.keys(record), depth + 1, reading)
      return record
    }
    default:
      throw malformed(`unknown tag ${JSON.stringify(tag)}`)
  }
}
