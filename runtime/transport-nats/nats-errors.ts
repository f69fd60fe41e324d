/** Errors of the NATS transport; the message says what the broker answered and what to do. */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

/** The broker cannot be reached at start, has no JetStream, or its stream does not fit the network. */
export class NatsTransportError extends ColloquyError {
  override readonly name = 'NatsTransportError'
  readonly code = 'TRANSPORT_NATS'
}
