/** Saying what a thrown value was, for a log line or an error message, without ever throwing itself. */

/** The error's message, or what can be said of a thrown value that is not an Error. */
export function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return error.message
    return String(error)
  } catch {
    return 'a value that cannot be described'
  }
}
