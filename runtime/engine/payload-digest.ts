/**
 * What a send journals about its payload, so that a replay notices a flow that sends something else the
 * second time (a value computed outside ctx.step, from the clock or Math.random()): a short digest of the
 * frame (kind, label, payload or branch). The peer already has the first value; sending another one on
 * replay would go unnoticed, so the replay compares digests (send-checks.ts).
 *
 * The digest runs for every send, so it is cheap: a string, number or boolean payload (and a choice) is
 * hashed from a short text without serializing; anything else from its V8 serialization (the store codec).
 * Entries journaled before digests existed have none, and nothing is compared for them.
 */
import { hash } from 'node:crypto'
import type { SessionFrame } from '../protocol/session/channel.js'
import { encode } from '../store/codec.js'

/** Characters of the base64 SHA-1 kept: 96 bits, plenty to tell two payloads of one send apart. */
const DIGEST_CHARS = 16

export function frameDigest(frame: SessionFrame): string {
  let text: string | Buffer
  if (frame.kind === 'choice') text = `c\0${frame.label}\0${frame.branch}`
  else {
    const payload = frame.payload
    switch (typeof payload) {
      case 'string':
        text = `s\0${frame.label}\0${payload}`
        break
      case 'number':
      case 'boolean':
        text = `${typeof payload}\0${frame.label}\0${payload}`
        break
      default:
        text = encode(frame)
    }
  }
  return hash('sha1', text, 'base64').slice(0, DIGEST_CHARS)
}
