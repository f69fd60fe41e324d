/**
 * The one base class of every error Colloquy throws. `code` is stable across releases (programs and the
 * CLI's exit codes match on it, never on class names or message text); the message is a sentence that
 * says what happened and what to do next; a source location, when there is one, is carried as data.
 */
import type { SourceLocation } from '../dsl/call-site.js'

export interface ColloquyErrorOptions {
  /** The error that caused this one, if any. */
  readonly cause?: unknown
  /** Where the fault is in the user's files (a protocol step, a config line), when known. */
  readonly location?: SourceLocation | null
}

export abstract class ColloquyError extends Error {
  /** Stable identifier of the kind of failure, e.g. `PROTOCOL_DEFINITION`; listed in the README. */
  abstract readonly code: string
  /** Where the fault is, when it is in a file; `formatLocation` prints it as `file:line:col`. */
  readonly location: SourceLocation | null

  constructor(message: string, options: ColloquyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.location = options.location ?? null
  }
}

/** True for any error Colloquy threw, also across module copies (matched by code, not by prototype). */
export function isColloquyError(error: unknown): error is ColloquyError {
  return error instanceof ColloquyError || (error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && 'location' in error)
}
