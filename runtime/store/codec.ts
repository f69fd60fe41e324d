/**
 * Values the store keeps (journal entries, step results, frames, envelopes) are encoded with the V8
 * serializer: it round-trips what flows commonly return (Date, Map, Set, bigint, undefined, typed arrays)
 * and is several times faster than JSON for small objects.
 */
import { deserialize, serialize } from 'node:v8'

export function encode(value: unknown): Buffer {
  return serialize(value)
}

export function decode<T>(bytes: Uint8Array): T {
  return deserialize(bytes) as T
}
