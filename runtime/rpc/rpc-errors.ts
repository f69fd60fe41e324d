/** The errors of the RPC layer: refusals the server sends and failures the client meets. */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

/** The user is unknown or the password is wrong (one message for both, so names cannot be probed). */
export class RpcAuthenticationError extends ColloquyError {
  override readonly name = 'RpcAuthenticationError'
  readonly code = 'RPC_AUTHENTICATION'
}

/** The user lacks the permission an operation needs; nothing was done. `permission` names what to grant. */
export class RpcPermissionError extends ColloquyError {
  override readonly name = 'RpcPermissionError'
  readonly code = 'RPC_PERMISSION'

  constructor(
    message: string,
    /** The permission that would allow it, e.g. `StartFlow.sell-asset` or `InvokeRpc.killFlow`. */
    readonly permission: string,
  ) {
    super(message)
  }
}

/** Too many failed logins came from this address; the server refuses logins from it for a while. */
export class RpcThrottledError extends ColloquyError {
  override readonly name = 'RpcThrottledError'
  readonly code = 'RPC_THROTTLED'
}

/** A request the server cannot read: not tagged JSON, an unknown operation, or arguments its schema refuses. */
export class RpcRequestError extends ColloquyError {
  override readonly name = 'RpcRequestError'
  readonly code = 'RPC_REQUEST'
}

/**
 * The answer to a request is larger than a client reads (an RPC frame of at most 4 MiB, within the tagged
 * JSON limits): the node sends this instead, so the client is told rather than dropped and reconnected.
 */
export class RpcAnswerTooLargeError extends ColloquyError {
  override readonly name = 'RpcAnswerTooLargeError'
  readonly code = 'RPC_ANSWER_TOO_LARGE'
}

/** The client cannot reach the node, or lost it and gave up reconnecting, or was closed. */
export class RpcConnectionError extends ColloquyError {
  override readonly name = 'RpcConnectionError'
  readonly code = 'RPC_CONNECTION'
}
