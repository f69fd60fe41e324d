/**
 * The errors of the flow hospital. HospitalizeFlowError is thrown by flow code (directly, wrapped as a
 * cause, or subclassed) to keep the flow for observation; the two timeouts are transient faults the
 * hospital retries from the flow's last checkpoint.
 */
import { ColloquyError } from '../../protocol/errors/colloquy-error.js'

/**
 * Thrown by flow code that must not fail but cannot go on (a missing attachment, a transaction that must not
 * be lost): the hospital keeps the flow for observation until an operator retries or kills it, or the node
 * restarts. Subclass it, throw it, or throw any error with it as (a cause of) its cause.
 */
export class HospitalizeFlowError extends ColloquyError {
  override name = 'HospitalizeFlowError'
  readonly code: string = 'HOSPITALIZE_FLOW'
}

/** A `ctx.step` with `timeoutMs` did not settle in time; the hospital retries the flow from its last checkpoint. */
export class StepTimeoutError extends ColloquyError {
  override readonly name = 'StepTimeoutError'
  readonly code = 'STEP_TIMEOUT'
}

/** A session opened through `receiveWithin(ctx, ms)` heard nothing from its peer in time; retried as a transient fault. */
export class ReceiveTimeoutError extends ColloquyError {
  override readonly name = 'ReceiveTimeoutError'
  readonly code = 'RECEIVE_TIMEOUT'
}
