/** Whether a session can still send or receive, and the error a flow gets when it cannot (it ended, or the peer rejected it). */
import { UnexpectedFlowEndError } from '../protocol/session/session-errors.js'
import type { SessionStatus } from './flow-session.js'

interface SessionState {
  readonly status: SessionStatus
  readonly protocol: string
  readonly counterparty: string
  readonly reason: string | null
}

export function assertUsable(session: SessionState, action: string): void {
  if (session.status === 'closed') {
    throw new UnexpectedFlowEndError(
      `The ${session.protocol} session with ${session.counterparty} already ended; it cannot ${action}. Open a new session for another exchange.`,
    )
  }
  if (session.status === 'rejected') throw rejection(session)
}

/** What a flow gets from a session its peer rejected. */
export function rejection(session: SessionState): UnexpectedFlowEndError {
  return new UnexpectedFlowEndError(`${session.counterparty} rejected the ${session.protocol} session: ${session.reason}.`)
}
