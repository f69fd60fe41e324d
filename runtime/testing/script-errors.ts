/**
 * Failures of a handler test: the handler did something other than its scripted counterparty expected
 * (ScriptMismatchError), or the script itself does not follow the protocol (InvalidScriptError). Both name
 * the script step, as `step n of m, receive('greeting')`, and the protocol step it met, and carry the step's
 * number as data: 1-based; 0 for the test's setup; one past the last for what came after the script.
 */
import { ColloquyError, type ColloquyErrorOptions } from '../protocol/errors/colloquy-error.js'

/** The handler under test sent, chose, returned or waited where its script said otherwise. */
export class ScriptMismatchError extends ColloquyError {
  override readonly name = 'ScriptMismatchError'
  /** Stable; listed in the README's error table. */
  readonly code = 'SCRIPT_MISMATCH'
  constructor(
    message: string,
    readonly step: number,
    options?: ColloquyErrorOptions,
  ) {
    super(message, options)
  }
}

/** The script (or the test's setup) asks for something the protocol does not allow at that point. */
export class InvalidScriptError extends ColloquyError {
  override readonly name = 'InvalidScriptError'
  /** Stable; listed in the README's error table. */
  readonly code = 'INVALID_SCRIPT'
  constructor(
    message: string,
    readonly step: number,
    options?: ColloquyErrorOptions,
  ) {
    super(message, options)
  }
}
