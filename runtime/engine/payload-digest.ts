/**
 * What a send journals about its payload, so that a replay notices a flow that sends something else the
 * second time (a value computed outside ctx.step, from the clock or Math.random()): a 53-bit digest of the
 * frame (kind, label, payload or branch). The peer already has the first value; sending another one on
 * replay would go unnoticed, so the replay compares digests (send-checks.ts).
 *
 * The digest runs for every send, so it walks the payload in place instead of serializing it: two 32-bit
 * multiplicative hashes over type tags, lengths, characters and number bits, finished with murmur3's mix.
 * Long strings and byte arrays go through SHA-1 in native code. It is a check against accidents, not
 * against an adversary (the flow's own code produces both values). It expects a payload that passed the
 * encodability check (payload-check.ts): no cycles. Entries journaled before digests existed have none,
 * and nothing is compared for them.
 */
import { hash } from 'node:crypto'
import type { SessionFrame } from '../protocol/session/channel.js'

/** Strings and byte arrays at least this long are hashed natively. */
const NATIVE_FROM = 256

const float = new Float64Array(1)
const floatWords = new Uint32Array(float.buffer)
let a = 0
let b = 0

function mix(x: number): void {
  a = Math.imul(a ^ x, 0x01000193)
  b = Math.imul(b ^ x, 0x5bd1e995)
  b ^= b >>> 13
}

function mixString(text: string): void {
  mix(text.length)
  if (text.length >= NATIVE_FROM) return mixNative(hash('sha1', text, 'buffer'))
  for (let i = 0; i < text.length; i++) mix(text.charCodeAt(i))
}

function mixNative(digest: Buffer): void {
  mix(digest.readUInt32LE(0))
  mix(digest.readUInt32LE(4))
  mix(digest.readUInt32LE(8))
}

function mixNumber(n: number): void {
  float[0] = n
  mix(floatWords[0]!)
  mix(floatWords[1]!)
}

enum Tag {
  Undefined = 1,
  Null,
  False,
  True,
  Number,
  String,
  BigInt,
  Date,
  Bytes,
  Array,
  Map,
  Set,
  Object,
  Other,
}

function mixValue(value: unknown): void {
  switch (typeof value) {
    case 'string':
      mix(Tag.String)
      return mixString(value)
    case 'number':
      mix(Tag.Number)
      return mixNumber(value)
    case 'boolean':
      return mix(value ? Tag.True : Tag.False)
    case 'undefined':
      return mix(Tag.Undefined)
    case 'bigint':
      mix(Tag.BigInt)
      return mixString(value.toString(36))
    case 'object':
      return value === null ? mix(Tag.Null) : mixObject(value)
    default:
      return mix(Tag.Other)
  }
}

function mixObject(object: object): void {
  if (object instanceof Date) {
    mix(Tag.Date)
    return mixNumber(object.getTime())
  }
  if (object instanceof Uint8Array) {
    mix(Tag.Bytes)
    mix(object.length)
    if (object.length >= NATIVE_FROM) return mixNative(hash('sha1', object, 'buffer'))
    for (let i = 0; i < object.length; i++) mix(object[i]!)
    return
  }
  if (Array.isArray(object)) {
    mix(Tag.Array)
    mix(object.length)
    for (let i = 0; i < object.length; i++) mixValue(object[i])
    return
  }
  if (object instanceof Map) {
    mix(Tag.Map)
    mix(object.size)
    for (const [key, entry] of object) {
      mixValue(key)
      mixValue(entry)
    }
    return
  }
  if (object instanceof Set) {
    mix(Tag.Set)
    mix(object.size)
    for (const element of object) mixValue(element)
    return
  }
  mix(Tag.Object)
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue
    mixString(key)
    mixValue((object as Record<string, unknown>)[key])
  }
  mix(Tag.Object)
}

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
function finish(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * The digest of a frame as the journal records it: 53 bits (32 from one hash, 21 from the other) as a
 * number, which the journal stores in 9 bytes; `digestText` shows it.
 */
export function frameDigest(frame: SessionFrame): number {
  a = 0x811c9dc5
  b = 0x9747b28c
  mixString(frame.label)
  if (frame.kind === 'choice') {
    mix(Tag.Other)
    mixString(frame.branch)
  } else mixValue(frame.payload)
  return finish(a) * 2 ** 21 + (finish(b) >>> 11)
}

/** A digest as error messages show it: 14 hex digits. */
export function digestText(digest: number): string {
  return digest.toString(16).padStart(14, '0')
}
