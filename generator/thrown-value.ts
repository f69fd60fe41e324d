/**
 * Text for whatever a protocol file threw, read defensively: a thrown value may be anything, even an
 * object whose toString, name or message throws.
 */

/** The thrown value's message (an Error's message, anything else as a string), or a placeholder. */
export function thrownMessage(thrown: unknown): string {
  try {
    return thrown instanceof Error ? String(thrown.message) : String(thrown)
  } catch {
    return '(a value that cannot be printed)'
  }
}

/** `Name: message` for an Error, `a value (text)` for anything else; one line. */
export function describeThrown(thrown: unknown): string {
  const message = thrownMessage(thrown).split('\n')[0]
  try {
    return thrown instanceof Error ? `${String(thrown.name)}: ${message}` : `a value (${message})`
  } catch {
    return `a value (${message})`
  }
}
