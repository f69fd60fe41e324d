/**
 * Text for a human reader's console or log file, from strings a node does not control: party names,
 * reasons and error messages from peers, labels and names from protocol and config files, paths. A
 * control character there could start a fake log line (a newline) or repaint the terminal (an ANSI escape
 * sequence), so each is shown as an escape instead: \n, \r, \t, \x1b, \u2028 and so on. Line and paragraph
 * separators and the bidirectional overrides, which reorder what a terminal shows, count as control
 * characters here. JSON output needs none of this: JSON.stringify escapes control characters itself.
 */

// C0 controls, DEL, C1 controls, line/paragraph separators, bidirectional embeddings, overrides and isolates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this module is for
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const HAS_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

function escapeOne(char: string): string {
  const named = NAMED[char]
  if (named) return named
  const code = char.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * For a message of several lines composed by Colloquy itself (an error that lists stranded flows): each
 * line escaped, the newlines between them kept.
 */
export function escapeLogLines(text: string): string {
  return HAS_CONTROL.test(text) ? text.split('\n').map(escapeLogText).join('\n') : text
}

/** `text` with every control character shown as an escape; the same string when there is none. */
export function escapeLogText(text: string): string {
  return HAS_CONTROL.test(text) ? text.replace(CONTROL, escapeOne) : text
}
