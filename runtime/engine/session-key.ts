/**
 * Session keys, built and parsed here only. A node keys its sessions by who opened them: `i:<id>` for a
 * session it initiated, `r:<initiator>:<id>` for one it answers (two initiators may pick the same id).
 * In memory a session's side is a word (`'initiator'`); the one-letter codes exist only in the stored
 * keys and on the wire (`dir: 'i' | 'r'`), where they are part of the format and never change.
 */
import type { Envelope } from '../network/wire.js'
import { EngineInvariantError } from './engine-errors.js'

export type SessionDirection = 'initiator' | 'responder'

/** The stored and wire code of a direction. */
export type DirectionCode = 'i' | 'r'

export function directionCode(direction: SessionDirection): DirectionCode {
  return direction === 'initiator' ? 'i' : 'r'
}

export function directionOf(code: DirectionCode): SessionDirection {
  return code === 'i' ? 'initiator' : 'responder'
}

/** `i:<id>`: a session this node initiated. */
export function initiatorKey(id: string): string {
  return `i:${id}`
}

/** `r:<initiator>:<id>`: a session `peer` initiated with this node. */
export function responderKey(peer: string, id: string): string {
  return `r:${peer}:${id}`
}

/**
 * `<peer>:<message id>`: how this node remembers a message `peer` sent (an answered init). The sender picks
 * the id, so it is never remembered alone: another party sending the same id must not stand for `peer`.
 * Party names contain no ':' (party-name.ts), so the key is unambiguous.
 */
export function peerMessageKey(peer: string, id: string): string {
  return `${peer}:${id}`
}

/** The key of a session seen from this node: its direction, the peer and the wire id. */
export function sessionKey(direction: SessionDirection, peer: string, id: string): string {
  return direction === 'initiator' ? initiatorKey(id) : responderKey(peer, id)
}

/** Which side a stored key is, without parsing the rest. */
export function directionOfKey(key: string): SessionDirection {
  return key.startsWith('i:') ? 'initiator' : 'responder'
}

/**
 * Splits a stored key into its direction and wire id. The peer comes from the same row: the id of a
 * responder key is what follows `r:<peer>:` (ids may contain ':', party names may not).
 */
export function parseSessionKey(key: string, peer: string): { readonly direction: SessionDirection; readonly id: string } {
  if (key.startsWith('i:')) return { direction: 'initiator', id: key.slice(2) }
  const prefix = `r:${peer}:`
  if (key.startsWith(prefix)) return { direction: 'responder', id: key.slice(prefix.length) }
  throw new EngineInvariantError(
    `The session key '${key}' is neither 'i:<id>' nor 'r:${peer}:<id>'; this is a bug in the engine, or the store was modified outside Colloquy.`,
  )
}

/** The key, on the sending node, of the session an envelope this node sends belongs to. */
export function senderKey(envelope: Envelope): string {
  const body = envelope.body
  switch (body.t) {
    case 'init':
      return initiatorKey(body.session)
    case 'confirm':
    case 'reject':
    case 'held':
      return responderKey(envelope.to, body.session)
    default:
      return body.dir === 'i' ? initiatorKey(body.session) : responderKey(envelope.to, body.session)
  }
}
