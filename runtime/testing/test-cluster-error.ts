/** A test cluster asked for something it cannot do: an unknown or stopped node, time travel on the system clock. */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

export class TestClusterError extends ColloquyError {
  override readonly name = 'TestClusterError'
  readonly code = 'TEST_CLUSTER'
}
