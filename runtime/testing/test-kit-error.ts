/**
 * The test kit was asked for something it cannot do: an unknown or stopped node, simulated time moved
 * backwards or from two places at once, time advanced on a cluster that runs on the system clock.
 */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

export class TestKitError extends ColloquyError {
  override readonly name = 'TestKitError'
  /** Stable; listed in the README's error table. */
  readonly code = 'TEST_KIT'
}
