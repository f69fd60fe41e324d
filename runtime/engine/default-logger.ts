/** The logger a node uses when given none: quiet about routine events, warnings and errors on the console. */
import { escapeLogText } from '../codec/log-text.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'

export const defaultLogger: FlowLogger = {
  info: () => {},
  warn: (message, fields) => console.warn(`[colloquy] ${escapeLogText(message)}`, fields ?? ''),
  error: (message, fields) => console.error(`[colloquy] ${escapeLogText(message)}`, fields ?? ''),
}
