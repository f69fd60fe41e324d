/** Errors the engine raises itself, and how flow errors cross the wire. */
import type { WireException } from '../network/wire.js'
import { FlowException, UnexpectedFlowEndError } from '../session/session-errors.js'

/** The flow's code made a different call than the one its journal recorded at that point. */
export class NonDeterminismError extends Error {
  override readonly name = 'NonDeterminismError'
}

/** A flow was asked for that this node cannot run (unknown name, stopped node). */
export class FlowStartError extends Error {
  override readonly name = 'FlowStartError'
}

/**
 * The wire form of an error escaping a flow, for a session of `protocol`. Only a FlowException this
 * flow raised itself, declared by the session's protocol, travels with its type, message and details;
 * everything else (including a FlowException received from another peer: they travel one hop) becomes
 * null, which the peer sees as UnexpectedFlowEndError without the original message.
 */
export function toWireException(error: unknown, protocol: string): WireException | null {
  if (!(error instanceof FlowException) || error.peer !== undefined || error.protocol !== protocol) return null
  return { protocol: error.protocol, errorType: error.errorType, message: error.message, details: error.details }
}

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
