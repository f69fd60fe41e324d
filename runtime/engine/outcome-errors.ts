/** Errors of kept outcomes (keepFinishedFlows): an error whose class is not kept, and removing a running flow's outcome. */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

/**
 * A kept outcome read back from the store (resultOf after a restart) whose error was not a Colloquy error,
 * or a Colloquy error this build does not know: its class is not kept, its name and message are. `name` is
 * the original error's name (e.g. 'TypeError'); `originalCode` the original Colloquy code, if it had one.
 */
export class RecordedError extends ColloquyError {
  readonly code = 'RECORDED_ERROR'

  constructor(
    name: string,
    message: string,
    readonly originalCode?: string,
  ) {
    super(message)
    this.name = name
  }
}

/** `removeOutcome` was given the id of a flow that has not finished: there is no outcome to remove yet. */
export class FlowRunningError extends ColloquyError {
  override readonly name = 'FlowRunningError'
  readonly code = 'FLOW_RUNNING'
}
