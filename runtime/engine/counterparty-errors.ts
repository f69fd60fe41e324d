/** Sessions refused before anything is sent: the counterparty is not a member of the network, or is this node. */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

/**
 * A flow tried to open a session with a party the network does not know (not in the network map, never
 * attached nor declared on an in-memory network). `party` is the name asked for, `known` every name the
 * network knows.
 */
export class UnknownPartyError extends ColloquyError {
  override readonly name = 'UnknownPartyError'
  readonly code = 'UNKNOWN_PARTY'

  constructor(
    message: string,
    readonly party: string = '',
    readonly known: readonly string[] = [],
  ) {
    super(message)
  }
}

/** A flow tried to open a session with the node it runs on; a session needs another party. */
export class SessionWithSelfError extends ColloquyError {
  override readonly name = 'SessionWithSelfError'
  readonly code = 'SESSION_WITH_SELF'
}
