/** How the test kit words its failure messages: frames, protocol expectations, payloads and schema issues, each short and on one line. */
import type { SessionFrame } from '../protocol/index.js'
import type { Expectation } from './protocol-cursor.js'

/** The first few zod issues, as `path: message; ...`. */
export function issueText(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ')
}

/** A value as JSON, cut to 80 characters. */
export function preview(value: unknown): string {
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/** What the counterparty does next, as `send 'reply'`. */
export function describeExpectation(expected: Expectation): string {
  switch (expected.kind) {
    case 'send':
      return `send '${expected.label}'`
    case 'receive':
      return `receive '${expected.label}'`
    case 'choose':
      return `choose a branch of '${expected.label}' (${expected.branches.join(', ')})`
    case 'offer':
      return `be offered the handler's choice '${expected.label}' (${expected.branches.join(', ')})`
    case 'end':
      return 'end'
  }
}

/** A frame as `message 'greeting'` or `choice 'response' = 'accept'`. */
export function describeFrame(frame: SessionFrame): string {
  return frame.kind === 'data' ? `message '${frame.label}'` : `choice '${frame.label}' = '${frame.branch}'`
}
