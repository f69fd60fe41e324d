/** Errors a flow sees on a session. Messages are sentences that say what happened and what to do. */
import { ColloquyError } from '../errors/colloquy-error.js'

/**
 * A declared, typed error raised by a flow. When it escapes a flow, the counterparty receives it with the
 * same type, message and details at its next interaction with the session. `errorType` is the protocol's
 * name for it (declared with `errors({...})`); `code` is Colloquy's kind of error, the same for all of them.
 */
export class FlowException<Type extends string = string, Details = unknown> extends ColloquyError {
  override readonly name: string = 'FlowException'
  readonly code = 'FLOW_EXCEPTION'
  /** The party that raised it, when it arrived from a counterparty. */
  peer: string | undefined

  constructor(
    readonly protocol: string,
    readonly errorType: Type,
    readonly details: Details,
    message?: string,
  ) {
    super(message ?? `${protocol} raised ${errorType}`)
  }
}

/** The counterparty's flow ended, failed with an undeclared error, or rejected the session. */
export class UnexpectedFlowEndError extends ColloquyError {
  override readonly name = 'UnexpectedFlowEndError'
  readonly code = 'UNEXPECTED_FLOW_END'
}

/** The counterparty sent something the protocol does not allow in this state, or a payload that fails its schema. */
export class ProtocolViolationError extends ColloquyError {
  override readonly name = 'ProtocolViolationError'
  readonly code = 'PROTOCOL_VIOLATION'
}

/** A state object was used twice; each state may be used once and returns the next one. */
export class StaleStateError extends ColloquyError {
  override readonly name = 'StaleStateError'
  readonly code = 'STALE_STATE'
}

/** The local flow tried to send a payload that does not match the protocol's schema. */
export class InvalidPayloadError extends ColloquyError {
  override readonly name = 'InvalidPayloadError'
  readonly code = 'INVALID_PAYLOAD'
}

/**
 * Code drove a protocol's states in a way the protocol does not allow: a method the state does not offer,
 * a missing version or branch handler. TypeScript rejects these at compile time, so they come from untyped
 * code or casts.
 */
export class ProtocolUsageError extends ColloquyError {
  override readonly name = 'ProtocolUsageError'
  readonly code = 'PROTOCOL_USAGE'
}

/** The generated module does not match the protocol it was generated from; `colloquy generate` fixes it. */
export class StaleGeneratedCodeError extends ColloquyError {
  override readonly name = 'StaleGeneratedCodeError'
  readonly code = 'STALE_GENERATED_CODE'
}
