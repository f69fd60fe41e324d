/** The TCP transport could not bind its listen address (in use, not local, not permitted): the node cannot start. */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

export class ListenError extends ColloquyError {
  override readonly name = 'ListenError'
  readonly code = 'TRANSPORT_LISTEN'
}
