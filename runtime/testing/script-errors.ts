/**
 * Failures of a handler test: the handler did something other than its scripted counterparty expected
 * (ScriptMismatchError), or the script itself does not follow the protocol (InvalidScriptError). Both name
 * the script step, as `step n of m, receive('greeting')`, and the protocol step it met.
 */
import { ColloquyError, type ColloquyErrorOptions } from '../protocol/errors/colloquy-error.js'

/** The handler under test sent, chose, returned or waited where its script said otherwise. */
export class ScriptMismatchError extends ColloquyError {
  override readonly name = 'ScriptMismatchError'
  readonly code = 'SCRIPT_MISMATCH'
  /** 1-based index of the script step that went wrong; 0 when the handler went wrong after the script's last step. */
  readonly step: number

  constructor(message: string, step: number, options?: ColloquyErrorOptions) {
    super(message, options)
    this.step = step
  }
}

/** The script (or the test's setup) asks for something the protocol does not allow at that point. */
export class InvalidScriptError extends ColloquyError {
  override readonly name = 'InvalidScriptError'
  readonly code = 'INVALID_SCRIPT'
  /** 1-based index of the offending script step; 0 for the setup (version, protocol, session). */
  readonly step: number

  constructor(message: string, step: number, options?: ColloquyErrorOptions) {
    super(message, options)
    this.step = step
  }
}
