/**
 * The end-to-end signature of a message on the broker: the sender signs, with its Ed25519 identity key,
 * the sender, the recipient, the time of signing and the message bytes; the receiver checks it with the key
 * the network map lists for the sender. So trust does not rest on the broker or on anyone who may publish
 * to it: a message not signed by the party it names, addressed to another party, or replayed after
 * `maxMessageAgeMs` is refused.
 *
 * The parties travel in headers as subject tokens (subjects.ts); the time as milliseconds since the epoch.
 */
import { type KeyObject, sign, verify } from 'node:crypto'
import { type MsgHdrs, headers } from 'nats'

const DOMAIN = 'colloquy-nats/1'

export const Header = {
  from: 'Colloquy-From',
  to: 'Colloquy-To',
  at: 'Colloquy-At',
  signature: 'Colloquy-Signature',
} as const

/** The parties and time a message claims, as its headers say. */
export interface Claim {
  readonly fromToken: string
  readonly toToken: string
  readonly at: number
}

function transcript(claim: Claim, data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${DOMAIN}\0${claim.fromToken}\0${claim.toToken}\0${claim.at}\0`, 'utf8'), data])
}

/** The headers of a signed message: the claim and the signature over it and `data`. */
export function signedHeaders(key: KeyObject, claim: Claim, data: Uint8Array): MsgHdrs {
  const h = headers()
  h.set(Header.from, claim.fromToken)
  h.set(Header.to, claim.toToken)
  h.set(Header.at, String(claim.at))
  h.set(Header.signature, sign(null, transcript(claim, data), key).toString('base64'))
  return h
}

/** What the headers claim, or why they cannot be read. */
export function readClaim(h: MsgHdrs | undefined): Claim | string {
  if (!h) return 'a message without headers (unsigned)'
  const fromToken = h.get(Header.from)
  const toToken = h.get(Header.to)
  const at = Number(h.get(Header.at))
  if (fromToken === '' || toToken === '') return 'a message without sender or recipient headers (unsigned)'
  if (!Number.isSafeInteger(at)) return 'a message without a valid signing time'
  if (h.get(Header.signature) === '') return 'a message without a signature'
  return { fromToken, toToken, at }
}

/** True when the message's signature is the sender's over its claim and data. */
export function signatureHolds(key: KeyObject, claim: Claim, data: Uint8Array, h: MsgHdrs): boolean {
  const signature = Buffer.from(h.get(Header.signature), 'base64')
  if (signature.length !== 64) return false
  try {
    return verify(null, transcript(claim, data), key, signature)
  } catch {
    return false
  }
}
