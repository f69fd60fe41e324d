/**
 * The checks a message read from the broker must pass before the engine hears of it: signed by the party
 * its headers name, with the key the network map lists (message-signature.ts); addressed to this node; not
 * older than `maxMessageAgeMs`; items as the TCP transport encodes them (one envelope, or acknowledgements
 * of envelope ids); the envelope matching the wire schema and naming the same sender and
 * recipient as the signed headers. Whatever fails is refused with a reason and never delivered.
 */
import type { MsgHdrs } from 'nats'
import type { Envelope } from '../network/wire.js'
import { decodeEnvelopeItem } from '../transport/envelope-codec.js'
import { ItemKind, decodeItems } from '../transport/frame-codec.js'
import type { NetworkMap, PartyEntry } from '../transport/network-map.js'
import { WireJsonError } from '../transport/wire-json.js'
import type { WireLimits } from '../transport/wire-limits.js'
import { checkEnvelope } from '../transport/wire-schema.js'
import { readClaim, signatureHolds } from './message-signature.js'
import { partyToken } from './subjects.js'

/** Why a message from the broker was refused; the keys of `stats.rejected`. */
export type NatsRejectReason = 'unsigned' | 'unknown-party' | 'bad-signature' | 'wrong-recipient' | 'stale' | 'malformed' | 'schema' | 'wrong-sender'

export interface NatsRefusal {
  readonly refused: NatsRejectReason
  readonly detail: string
  /** The party the message claims to come from, when its headers name one. */
  readonly claimed?: string
}

export type ReceivedMessage =
  | { readonly kind: 'envelope'; readonly envelope: Envelope }
  | { readonly kind: 'acks'; readonly ids: readonly string[]; readonly from: string }
  | NatsRefusal

export interface ReceiveContext {
  readonly self: string
  readonly map: NetworkMap
  readonly now: number
  readonly maxAgeMs: number
  readonly limits: WireLimits
}

const refuse = (refused: NatsRejectReason, detail: string, claimed?: string): NatsRefusal =>
  claimed === undefined ? { refused, detail } : { refused, detail, claimed }

const tokens = new WeakMap<NetworkMap, Map<string, PartyEntry>>()

/** The map's party whose subject token is `token`. */
function partyByToken(map: NetworkMap, token: string): PartyEntry | undefined {
  let byToken = tokens.get(map)
  if (!byToken) {
    byToken = new Map(map.parties.map((p) => [partyToken(p.name), p]))
    tokens.set(map, byToken)
  }
  return byToken.get(token)
}

export function receivedMessage(data: Uint8Array, h: MsgHdrs | undefined, context: ReceiveContext): ReceivedMessage {
  const claim = readClaim(h)
  if (typeof claim === 'string') return refuse('unsigned', claim)
  const sender = partyByToken(context.map, claim.fromToken)
  if (!sender) return refuse('unknown-party', `a message from ${claim.fromToken}, which is not in the network map`, claim.fromToken)
  if (!signatureHolds(sender.key, claim, data, h!))
    return refuse('bad-signature', `a message not signed with the key the map lists for ${sender.name}`, sender.name)
  if (claim.toToken !== partyToken(context.self)) return refuse('wrong-recipient', `a message addressed to ${claim.toToken}`, sender.name)
  if (context.now - claim.at > context.maxAgeMs)
    return refuse(
      'stale',
      `a message signed at ${new Date(claim.at).toISOString()}, longer ago than ${context.maxAgeMs} ms (replayed, or left too long on the broker)`,
      sender.name,
    )
  const items = decodeItems(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
  if (typeof items === 'string') return refuse('malformed', `a message that is not items (${items})`, sender.name)
  if (items.length > 0 && items.every((i) => i.kind === ItemKind.ack))
    return { kind: 'acks', ids: items.map((i) => i.content.toString('utf8')), from: sender.name }
  if (items.length !== 1) return refuse('malformed', `a message of ${items.length} items that are not all acknowledgements`, sender.name)
  const item = items[0]!
  let value: unknown
  try {
    value = decodeEnvelopeItem(item, context.limits)
  } catch (error) {
    if (!(error instanceof WireJsonError)) throw error
    return refuse('malformed', `an envelope that is ${error.message}`, sender.name)
  }
  const checked = checkEnvelope(value)
  if (!checked.ok) return refuse('schema', `an envelope that does not match the wire schema (${checked.reason})`, sender.name)
  const envelope = checked.envelope
  if (envelope.from !== sender.name) return refuse('wrong-sender', `envelope ${envelope.id} claims to come from ${envelope.from}`, sender.name)
  if (envelope.to !== context.self) return refuse('wrong-recipient', `envelope ${envelope.id} is addressed to ${envelope.to}`, sender.name)
  return { kind: 'envelope', envelope }
}
