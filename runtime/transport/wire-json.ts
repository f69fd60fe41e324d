/**
 * JSON for envelopes: the tagged JSON of runtime/codec/tagged-json.ts, so flow payloads keep the values
 * the in-memory network (structured clone) keeps: bigint, Date, Map, Set, Uint8Array and undefined. Byte
 * arrays of BLOB_MIN_BYTES or more travel as raw bytes beside the JSON (see envelope-codec.ts).
 */
import { decodeTaggedJson, encodeTaggedJson } from '../codec/tagged-json.js'
import { ColloquyError } from '../protocol/errors/colloquy-error.js'
import { DEFAULT_WIRE_LIMITS, type WireLimits } from './wire-limits.js'

export { BLOB_MIN_BYTES } from '../codec/tagged-json.js'

/** Bytes from a peer that are not wire JSON as `encodeWireJson` writes it; the frame is refused, never trusted. */
export class WireJsonError extends ColloquyError {
  override readonly name = 'WireJsonError'
  readonly code = 'WIRE_JSON'
}

const malformed = (reason: string): WireJsonError => new WireJsonError(reason)

/** Encodes `value`; large byte arrays are appended to `blobs` when it is given, else written as base64. */
export function encodeWireJson(value: unknown, blobs?: Uint8Array[]): string {
  return encodeTaggedJson(value, blobs)
}

/**
 * Parses text written by `encodeWireJson` (with the blobs sent beside it); throws WireJsonError when it is
 * malformed or holds a value over `limits`.
 */
export function decodeWireJson(text: string, blobs: readonly Uint8Array[] = [], limits: WireLimits = DEFAULT_WIRE_LIMITS): unknown {
  return decodeTaggedJson(text, blobs, malformed, limits)
}
