/**
 * An envelope as a batch item. Usually its wire JSON (kind 1); when its payload holds large byte arrays
 * they travel as raw bytes beside the JSON instead of base64 inside it (kind 3):
 *
 *   count u16 | length u32 × count | the arrays' bytes | wire JSON
 */
import type { Envelope } from '../network/wire.js'
import { ColloquyError } from '../protocol/errors/colloquy-error.js'
import { ITEM_HEADER_BYTES, type Item, ItemKind, encodeItem } from './frame-codec.js'
import { WireJsonError, decodeWireJson, encodeWireJson } from './wire-json.js'
import type { WireLimits } from './wire-limits.js'

const MAX_BLOBS = 0xffff

/** A payload the wire encoding cannot carry; the transport reports it and does not send the envelope. */
export class PayloadEncodingError extends ColloquyError {
  override readonly name = 'PayloadEncodingError'
  readonly code = 'PAYLOAD_NOT_ENCODABLE'
}

/** The envelope as a complete item (header included); throws if its payload cannot be encoded. */
export function encodeEnvelopeItem(envelope: Envelope): Buffer {
  const blobs: Uint8Array[] = []
  const json = Buffer.from(encodeWireJson(envelope, blobs), 'utf8')
  if (blobs.length === 0) return encodeItem(ItemKind.envelope, json)
  if (blobs.length > MAX_BLOBS) throw new PayloadEncodingError(`the payload holds ${blobs.length} large byte arrays, more than ${MAX_BLOBS}`)
  const table = Buffer.allocUnsafe(2 + 4 * blobs.length)
  table.writeUInt16BE(blobs.length, 0)
  blobs.forEach((blob, i) => {
    table.writeUInt32BE(blob.byteLength, 2 + 4 * i)
  })
  const content = Buffer.concat([table, ...blobs, json])
  return encodeItem(ItemKind.envelopeWithBlobs, content)
}

/** The envelope's bytes without the item header: what the frame limit applies to. */
export const envelopeContentBytes = (item: Buffer) => item.length - ITEM_HEADER_BYTES

/** Decodes an envelope item into untrusted data (to be checked against the wire schema). */
export function decodeEnvelopeItem(item: Item, limits?: WireLimits): unknown {
  const content = item.content
  if (item.kind === ItemKind.envelope) return decodeWireJson(content.toString('utf8'), [], limits)
  if (content.length < 2) throw new WireJsonError('an envelope with attachments but no attachment table')
  const count = content.readUInt16BE(0)
  let at = 2 + 4 * count
  if (at > content.length) throw new WireJsonError('an attachment table longer than the envelope')
  const blobs: Uint8Array[] = []
  for (let i = 0; i < count; i++) {
    const length = content.readUInt32BE(2 + 4 * i)
    if (length > content.length - at) throw new WireJsonError(`attachment ${i} claims ${length} bytes, more than the envelope holds`)
    blobs.push(content.subarray(at, at + length))
    at += length
  }
  return decodeWireJson(content.subarray(at).toString('utf8'), blobs, limits)
}
