/** Errors of a network endpoint used in a way its state does not allow, shared by every Network implementation. */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

/** A node attached twice, to a closed network, or to a network that speaks for another party. */
export class NetworkEndpointError extends ColloquyError {
  override readonly name = 'NetworkEndpointError'
  readonly code = 'NETWORK_ENDPOINT'
}

/** The in-memory network kept delivering past its step budget: something keeps sending (a flow may loop). */
export class NetworkUnsettledError extends ColloquyError {
  override readonly name = 'NetworkUnsettledError'
  readonly code = 'NETWORK_UNSETTLED'
}
