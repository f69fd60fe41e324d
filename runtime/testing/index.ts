/**
 * `colloquy/testing`: the test kit. Unit-test one role's handler against a scripted counterparty
 * (`testResponder`, `testInitiator`), run both roles in process (`testSession`), and run several durable
 * nodes on an in-memory network with faults and simulated time (`createTestCluster`, `SimulatedClock`,
 * `InMemoryNetwork`).
 */
export { send, receive, choose, offer, raise, abort, type ScriptStep, type PayloadCheck } from './script-steps.js'
export { testResponder, testInitiator, type RoleTestOptions } from './test-role.js'
export { testSession, type SessionTestOptions, type SessionTestOutcome } from './test-session.js'
export type { TestedProtocol } from './pick-version.js'
export { ScriptMismatchError, InvalidScriptError } from './script-errors.js'
export { SimulatedClock, type SimulatedClockOptions } from './simulated-clock.js'
export { createTestCluster, type TestCluster, type TestClusterOptions, type TestNodeSpec } from './test-cluster.js'
export { TestClusterError } from './test-cluster-error.js'
