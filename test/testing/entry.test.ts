/** The colloquy/testing entry exports the kit's public API and nothing of its internals. */
import { expect, it } from 'vitest'
import * as testing from '../../runtime/testing/index.js'

it('exports exactly the test kit', () => {
  expect(Object.keys(testing).sort()).toEqual([
    'InMemoryNetwork',
    'InvalidScriptError',
    'ScriptMismatchError',
    'SimulatedClock',
    'TestKitError',
    'abort',
    'choose',
    'createTestCluster',
    'offer',
    'raise',
    'receive',
    'send',
    'settleEventLoop',
    'testInitiator',
    'testResponder',
    'testSession',
  ])
})
