/** The error a flow ends with when the engine could not carry out one of its steps (see flow-failure.ts). */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

/**
 * Something inside the engine failed for one flow (a value that could not be encoded, a write or read the
 * store refused, a message the network would not take): the flow was ended with this error, its
 * counterparties were told, and the node went on serving its other flows. `cause` is what failed.
 */
export class FlowFailedError extends ColloquyError {
  override readonly name = 'FlowFailedError'
  readonly code = 'FLOW_FAILED'
}
