/** How the test kit words frames and protocol expectations in its failure messages, each short and on one line. */
import type { SessionFrame } from '../protocol/index.js'
import type { Expectation } from './protocol-cursor.js'

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
