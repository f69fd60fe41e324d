/**
 * Bytes on a TCP connection between nodes. Every frame is a 4-byte big-endian body length followed by
 * the body, whose first byte is its kind:
 *
 *   hello  1 | version u8 | max frame bytes u32 | nonce (32) | party name (UTF-8)
 *   auth   2 | Ed25519 signature (64) over authTranscript(...)
 *   batch  3 | connection tag (16) | counter u64 | Ed25519 signature (64) over frameTranscript(...) | items
 *
 * Items in a batch: kind u8 | length u32 | bytes, where kind 1 is an envelope (wire JSON), kind 3 an
 * envelope with byte arrays beside its JSON (envelope-codec.ts) and kind 2 the acknowledgement of an
 * envelope id (UTF-8). The connection tag names the pair of nonces of this connection,
 * so a frame copied from another connection is told apart from a forged one without a signature check.
 */
import { createHash, type KeyObject, sign, verify } from 'node:crypto'

export const PROTOCOL_VERSION = 1
export const LENGTH_BYTES = 4
export const NONCE_BYTES = 32
export const SIGNATURE_BYTES = 64
export const TAG_BYTES = 16
export const COUNTER_BYTES = 8
/** Frames before authentication are small; a larger one is refused before it is buffered. */
export const HANDSHAKE_MAX_FRAME_BYTES = 4096

export const FrameKind = { hello: 1, auth: 2, batch: 3 } as const
export const ItemKind = { envelope: 1, ack: 2, envelopeWithBlobs: 3 } as const
export type Role = 'dialer' | 'listener'

/** Bytes of a batch body before its items. */
export const BATCH_HEADER_BYTES = 1 + TAG_BYTES + COUNTER_BYTES + SIGNATURE_BYTES
/** Bytes an item adds to its content. */
export const ITEM_HEADER_BYTES = 5

const AUTH_DOMAIN = Buffer.from('colloquy-tcp/1 auth\0')
const FRAME_DOMAIN = Buffer.from('colloquy-tcp/1 frame\0')
const roleByte = (role: Role) => Buffer.of(role === 'dialer' ? 0x44 : 0x4c)

/** Prefixes a body with its length. */
export function frame(body: Buffer): Buffer {
  const header = Buffer.allocUnsafe(LENGTH_BYTES)
  header.writeUInt32BE(body.length)
  return Buffer.concat([header, body])
}

export interface Hello {
  readonly version: number
  readonly maxFrameBytes: number
  readonly nonce: Buffer
  readonly name: string
}

export function encodeHello(hello: Hello): Buffer {
  const body = Buffer.allocUnsafe(1 + 1 + 4 + NONCE_BYTES)
  body[0] = FrameKind.hello
  body[1] = hello.version
  body.writeUInt32BE(hello.maxFrameBytes, 2)
  hello.nonce.copy(body, 6)
  return frame(Buffer.concat([body, Buffer.from(hello.name, 'utf8')]))
}

/** Parses a hello body; a string says what is wrong with it. */
export function decodeHello(body: Buffer): Hello | string {
  if (body.length < 6 + NONCE_BYTES + 1) return `a hello of ${body.length} bytes is too short`
  const name = body.subarray(6 + NONCE_BYTES).toString('utf8')
  if (name.length > 256 || name.includes('\uFFFD')) return 'the party name in the hello is not valid UTF-8 of at most 256 characters'
  return { version: body[1]!, maxFrameBytes: body.readUInt32BE(2), nonce: Buffer.from(body.subarray(6, 6 + NONCE_BYTES)), name }
}

/** What each side signs to prove its identity: both nonces, both names and its own role. */
export function authTranscript(signer: Role, dialerNonce: Buffer, listenerNonce: Buffer, dialerName: string, listenerName: string): Buffer {
  const names = Buffer.from(`${dialerName}\0${listenerName}`, 'utf8')
  return Buffer.concat([AUTH_DOMAIN, roleByte(signer), dialerNonce, listenerNonce, names])
}

export function encodeAuth(signature: Buffer): Buffer {
  return frame(Buffer.concat([Buffer.of(FrameKind.auth), signature]))
}

/** The constant part of what a batch signature covers: the sender's role and both nonces. */
export function framePrefix(sender: Role, dialerNonce: Buffer, listenerNonce: Buffer): Buffer {
  return Buffer.concat([FRAME_DOMAIN, roleByte(sender), dialerNonce, listenerNonce])
}

export function connectionTag(dialerNonce: Buffer, listenerNonce: Buffer): Buffer {
  return createHash('sha256').update(dialerNonce).update(listenerNonce).digest().subarray(0, TAG_BYTES)
}

function counterBytes(counter: number): Buffer {
  const bytes = Buffer.allocUnsafe(COUNTER_BYTES)
  bytes.writeBigUInt64BE(BigInt(counter))
  return bytes
}

/** Signs and frames a batch payload. */
export function encodeBatch(key: KeyObject, prefix: Buffer, tag: Buffer, counter: number, payload: Buffer): Buffer {
  const count = counterBytes(counter)
  const signature = sign(null, Buffer.concat([prefix, count, payload]), key)
  const header = Buffer.allocUnsafe(LENGTH_BYTES + BATCH_HEADER_BYTES)
  header.writeUInt32BE(BATCH_HEADER_BYTES + payload.length, 0)
  header[LENGTH_BYTES] = FrameKind.batch
  tag.copy(header, LENGTH_BYTES + 1)
  count.copy(header, LENGTH_BYTES + 1 + TAG_BYTES)
  signature.copy(header, LENGTH_BYTES + 1 + TAG_BYTES + COUNTER_BYTES)
  return Buffer.concat([header, payload])
}

export interface Batch {
  readonly tag: Buffer
  readonly counter: number
  readonly signature: Buffer
  readonly payload: Buffer
}

export function decodeBatch(body: Buffer): Batch | string {
  if (body.length < BATCH_HEADER_BYTES) return `a batch of ${body.length} bytes is shorter than its header`
  const counter = body.readBigUInt64BE(1 + TAG_BYTES)
  return {
    tag: body.subarray(1, 1 + TAG_BYTES),
    counter: counter > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(counter),
    signature: body.subarray(1 + TAG_BYTES + COUNTER_BYTES, BATCH_HEADER_BYTES),
    payload: body.subarray(BATCH_HEADER_BYTES),
  }
}

export function verifyBatch(key: KeyObject, prefix: Buffer, batch: Batch): boolean {
  return verify(null, Buffer.concat([prefix, counterBytes(batch.counter), batch.payload]), key, batch.signature)
}

export function encodeItem(kind: number, content: Buffer): Buffer {
  const item = Buffer.allocUnsafe(ITEM_HEADER_BYTES + content.length)
  item[0] = kind
  item.writeUInt32BE(content.length, 1)
  content.copy(item, ITEM_HEADER_BYTES)
  return item
}

export interface Item {
  readonly kind: number
  readonly content: Buffer
}

/** Splits a batch payload into items; a string says where it is malformed. */
export function decodeItems(payload: Buffer): Item[] | string {
  const items: Item[] = []
  let at = 0
  while (at < payload.length) {
    if (payload.length - at < ITEM_HEADER_BYTES) return `item ${items.length} has a truncated header`
    const kind = payload[at]!
    const length = payload.readUInt32BE(at + 1)
    if (length > payload.length - at - ITEM_HEADER_BYTES) return `item ${items.length} claims ${length} bytes, more than the batch holds`
    if (kind !== ItemKind.envelope && kind !== ItemKind.ack && kind !== ItemKind.envelopeWithBlobs) return `item ${items.length} has unknown kind ${kind}`
    items.push({ kind, content: payload.subarray(at + ITEM_HEADER_BYTES, at + ITEM_HEADER_BYTES + length) })
    at += ITEM_HEADER_BYTES + length
  }
  return items
}

/**
 * Cuts a byte stream into frame bodies as data arrives. A length over the limit is reported as soon as
 * its 4 bytes are in, before any of the body is buffered.
 */
export class FrameReader {
  private chunks: Buffer[] = []
  private buffered = 0

  constructor(public maxFrameBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.buffered += chunk.length
  }

  /** The next whole body; undefined while incomplete; { oversized } when the announced length is over the limit. */
  next(): Buffer | { readonly oversized: number } | undefined {
    if (this.buffered < LENGTH_BYTES) return undefined
    const length = this.peekLength()
    if (length > this.maxFrameBytes) return { oversized: length }
    if (this.buffered < LENGTH_BYTES + length) return undefined
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered)
    const body = all.subarray(LENGTH_BYTES, LENGTH_BYTES + length)
    const rest = all.subarray(LENGTH_BYTES + length)
    this.chunks = rest.length > 0 ? [rest] : []
    this.buffered = rest.length
    return body
  }

  private peekLength(): number {
    const first = this.chunks[0]!
    if (first.length >= LENGTH_BYTES) return first.readUInt32BE(0)
    const joined = Buffer.concat(this.chunks, this.buffered)
    this.chunks = [joined]
    return joined.readUInt32BE(0)
  }
}
