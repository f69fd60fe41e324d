/** Errors of operating a node in process (and, through it, over RPC): starting by name, signalling, asking about flows. */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

/** `node.startFlowByName` was given a name no registered flow has. */
export class UnknownFlowError extends ColloquyError {
  override readonly name = 'UnknownFlowError'
  readonly code = 'UNKNOWN_FLOW'
}

/** A signal or a progress subscription named a flow that is not running on the node (finished, killed, or never here). */
export class FlowNotFoundError extends ColloquyError {
  override readonly name = 'FlowNotFoundError'
  readonly code = 'FLOW_NOT_FOUND'
}

/** A signal's payload does not match the schema the flow waits with (ctx.waitFor); nothing was kept. */
export class InvalidSignalError extends ColloquyError {
  override readonly name = 'InvalidSignalError'
  readonly code = 'INVALID_SIGNAL'
}
