/** Errors a flow sees on a session. Messages are sentences that say what happened and what to do. */

/**
 * A declared, typed error raised by a flow. When it escapes a flow, the counterparty receives it with the
 * same type, message and details at its next interaction with the session.
 */
export class FlowException<Type extends string = string, Details = unknown> extends Error {
  override readonly name: string = 'FlowException'
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
export class UnexpectedFlowEndError extends Error {
  override readonly name = 'UnexpectedFlowEndError'
}

/** The counterparty sent something the protocol does not allow in this state, or a payload that fails its schema. */
export class ProtocolViolationError extends Error {
  override readonly name = 'ProtocolViolationError'
}

/** A state object was used twice; each state may be used once and returns the next one. */
export class StaleStateError extends Error {
  override readonly name = 'StaleStateError'
}

/** The local flow tried to send a payload that does not match the protocol's schema. */
export class InvalidPayloadError extends Error {
  override readonly name = 'InvalidPayloadError'
}
