/**
 * How flow errors cross the wire. Only a FlowException a flow raised itself, declared by the session's
 * protocol, travels with its type, message and details; everything else (including a FlowException
 * received from another peer: they travel one hop) becomes null, which the peer sees as
 * UnexpectedFlowEndError without the original message.
 */
import type { WireException } from '../network/wire.js'
import { FlowException, UnexpectedFlowEndError } from '../protocol/session/session-errors.js'

/** The wire form of an error escaping a flow, for a session of `protocol`. */
export function toWireException(error: unknown, protocol: string): WireException | null {
  if (!(error instanceof FlowException) || error.peer !== undefined || error.protocol !== protocol) return null
  return { protocol: error.protocol, errorType: error.errorType, message: error.message, details: error.details }
}

/** The error a flow sees when its peer's end or error is next in the session while it tried to do `attempted`. */
export function peerEndError(
  event: { readonly t: 'end' } | { readonly t: 'error'; readonly exception: WireException | null },
  peer: string,
  protocol: string,
  attempted: string,
): Error {
  if (event.t === 'error') return fromWireException(event.exception, peer, protocol)
  return new UnexpectedFlowEndError(
    `${peer} ended the ${protocol} session while this flow tried to ${attempted}; the counterparty's flow finished early or does not follow the same protocol version.`,
  )
}

/** The error a flow sees when its peer's error arrives. */
export function fromWireException(exception: WireException | null, peer: string, protocol: string): Error {
  if (exception === null) {
    return new UnexpectedFlowEndError(
      `${peer}'s flow on the ${protocol} session failed with an error it did not declare; its message is not shared. Look at ${peer}'s logs for the cause.`,
    )
  }
  const error = new FlowException(exception.protocol, exception.errorType, exception.details, exception.message)
  error.peer = peer
  error.stack = `${error.name}: ${error.message}\n    at Received counter-flow exception from peer ${peer}`
  return error
}
