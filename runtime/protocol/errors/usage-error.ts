/** A command line Colloquy cannot act on: an unknown command or option, a missing or malformed value. */
import { ColloquyError } from './colloquy-error.js'

export class UsageError extends ColloquyError {
  override readonly name = 'UsageError'
  readonly code = 'USAGE'
}
