/** An option passed to a Colloquy API is outside the values it accepts; the message names the range. */
import { ColloquyError } from './colloquy-error.js'

export class InvalidOptionError extends ColloquyError {
  override readonly name = 'InvalidOptionError'
  readonly code = 'INVALID_OPTION'
}
