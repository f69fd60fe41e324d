/**
 * Why the transport refused something that arrived; the keys of `stats.rejected`. Every refusal is logged
 * with party, remote address and reason (rejection-log.ts; `busy` and an incoming `handshake-timeout` once
 * per address and interval, handshake-refusals.ts), counted, and reaches nothing of the engine; other
 * connections carry on.
 *
 *   closes the connection (the stream cannot be trusted or parsed any more):
 *     unknown-party        a hello from a party not in the network map
 *     bad-handshake        a malformed or out-of-order handshake, another protocol version, the wrong party
 *                          answering at a dialled address
 *     handshake-timeout    no complete handshake in time (`handshakeTimeoutMs`, 5 s by default)
 *     busy                 a new connection while its address has `maxHandshakesPerAddress` others in their
 *                          handshake (not even read), or the oldest of the busiest address when all
 *                          `maxHandshakes` slots are taken
 *     bad-tls              a TLS handshake that failed: plain TCP, a TLS version before 1.3, a broken record
 *     bad-certificate      no TLS certificate, or one of another key than the map lists for the party
 *                          (checked after its handshake signature; certificate-pin.ts)
 *     bad-signature        a handshake or frame not signed with the key the map lists for the party
 *     oversized            a frame longer than `maxFrameBytes` (4 KiB before authentication), refused when
 *                          its length arrives, before its body is buffered
 *     malformed            a frame of unknown kind or with a truncated header
 *     replayed-connection  a frame signed for another connection (its nonces differ)
 *     replayed-counter     a frame whose counter does not exceed the previous frame's
 *
 *   drops the item and keeps the connection (the frame is authentic; its sender's software is at fault):
 *     malformed            items that do not parse, an envelope that is not wire JSON
 *     schema               an envelope that does not match the wire schema
 *     wrong-sender         an envelope whose `from` is not the authenticated peer
 *     wrong-recipient      an envelope whose `to` is not this node
 *     unexpected-ack       an acknowledgement of an envelope not sent on this connection
 */

/** Why something that arrived was refused; the keys of `stats.rejected`. */
export type RejectReason =
  | 'unknown-party'
  | 'bad-handshake'
  | 'handshake-timeout'
  | 'bad-signature'
  | 'oversized'
  | 'malformed'
  | 'schema'
  | 'wrong-sender'
  | 'wrong-recipient'
  | 'replayed-counter'
  | 'replayed-connection'
  | 'unexpected-ack'
  | 'busy'
  | 'bad-tls'
  | 'bad-certificate'

/**
 * A check's verdict against what arrived. Only built when something is refused, so the checks of the
 * handshake and of every frame allocate nothing extra on the good path.
 */
export interface Refusal {
  readonly reason: RejectReason
  readonly detail: string
}

export function refusal(reason: RejectReason, detail: string): Refusal {
  return { reason, detail }
}
