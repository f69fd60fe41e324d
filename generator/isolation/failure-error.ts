/** The error the command line throws for a failure the loader child reported as data (isolated-job.ts). */
import { ColloquyError } from '../../runtime/protocol/errors/colloquy-error.js'
import { GeneratorError } from '../generator-error.js'
import type { SerializedFailure } from './isolated-job.js'

/** A Colloquy error the child reported, rebuilt in this process with its code (which decides the exit code). */
class ReportedError extends ColloquyError {
  constructor(
    readonly code: string,
    message: string,
    location: SerializedFailure['at'],
  ) {
    super(message, { location })
  }
}

export function failureError(failure: SerializedFailure): Error {
  if (failure.code === 'GENERATOR_INVALID_PROTOCOL') return new GeneratorError(failure.message, { file: failure.file ?? 'protocols', at: failure.at })
  if (failure.code !== null) return Object.assign(new ReportedError(failure.code, failure.message, failure.at), { name: failure.name })
  // Not a Colloquy error: a bug in the generator, reported with the child's stack.
  const error = new Error(failure.message)
  error.name = failure.name
  if (failure.stack) error.stack = failure.stack
  return error
}
