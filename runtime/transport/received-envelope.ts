/**
 * The checks an envelope item of an authentic frame must pass before the host sees it: it decodes, it
 * matches the wire schema, it comes from the authenticated peer and is addressed to this node. A refused
 * item is dropped and the connection kept: the frame is authentic, its sender's software is at fault.
 */
import type { Envelope } from '../network/wire.js'
import { decodeEnvelopeItem } from './envelope-codec.js'
import type { Item } from './frame-codec.js'
import { type Refusal, refusal } from './reject-reason.js'
import { WireJsonError } from './wire-json.js'
import type { WireLimits } from './wire-limits.js'
import { checkEnvelope } from './wire-schema.js'

/** The envelope an item carries from `peer` to `self`, or why it is refused. */
export function receivedEnvelope(item: Item, peer: string, self: string, limits?: WireLimits): Envelope | Refusal {
  let value: unknown
  try {
    value = decodeEnvelopeItem(item, limits)
  } catch (error) {
    if (!(error instanceof WireJsonError)) throw error
    return refusal('malformed', `an envelope that is ${error.message}`)
  }
  const checked = checkEnvelope(value)
  if (!checked.ok) return refusal('schema', `an envelope that does not match the wire schema (${checked.reason})`)
  const envelope = checked.envelope
  if (envelope.from !== peer) return refusal('wrong-sender', `envelope ${envelope.id} claims to come from ${envelope.from}`)
  if (envelope.to !== self) return refusal('wrong-recipient', `envelope ${envelope.id} is addressed to ${envelope.to}`)
  return envelope
}
