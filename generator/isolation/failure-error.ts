/** The error the command line throws for a failure the loader child reported as data (isolated-job.ts). */
import { InternalError } from '../../runtime/protocol/errors/internal-error.js'
import { GeneratorError } from '../generator-error.js'
import type { SerializedFailure } from './isolated-job.js'

/**
 * A Colloquy error from the child (a protocol that is invalid or failed to load) is a GeneratorError with
 * its message and place; anything else is a fault of the generator, an InternalError with the child's stack.
 */
export function failureError(failure: SerializedFailure): GeneratorError | InternalError {
  if (failure.code !== null) return new GeneratorError(failure.message, { file: failure.file ?? 'protocols', at: failure.at })
  const error = new InternalError(`${failure.name}: ${failure.message}`)
  if (failure.stack) error.stack = failure.stack
  return error
}
