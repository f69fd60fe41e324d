/**
 * A broken invariant of Colloquy itself: something an earlier stage guarantees did not hold. Never the
 * user's mistake; the message names the invariant so the report can be acted on.
 */
import { ColloquyError } from './colloquy-error.js'

export class InternalError extends ColloquyError {
  override readonly name = 'InternalError'
  readonly code = 'INTERNAL'
}
