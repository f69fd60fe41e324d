/**
 * `colloquy/testing`: the test kit.
 *
 * - One role's handler against a scripted counterparty, no node or store: `testResponder(Demo, bobResponder,
 *   { script: [send('amount', 42), receive('greeting', check), ...] })`, `testInitiator(Demo, (ctx) => ...,
 *   { script })`. Every script step and every frame the handler sends is checked against the protocol.
 * - Both roles in process: `testSession(Demo, { initiator, responder })`.
 * - Durable nodes on simulated time: `createTestCluster({ nodes: { ... } })` with `advanceTime`, `crash`,
 *   `restart` and `stop`; `SimulatedClock` for nodes built by hand (`clock` in NodeOptions).
 * - The in-memory network with faults, shared by a cluster's nodes (`cluster.network`), or built directly:
 *   `new InMemoryNetwork({ mode: 'manual', faults: { seed: 7, drop: 0.2, duplicate: 0.1, reorder: 0.3 } })`.
 *   In 'auto' mode envelopes move on the next turn of the event loop; in 'manual' mode nothing moves until the
 *   test calls `step()` (one envelope or acknowledgement) or `settle()` (until the nodes go quiet), so a
 *   scenario runs the same way every time. A `rule(envelope)` decides per envelope first: 'deliver', 'drop',
 *   'duplicate', 'hold' (kept in `onHold` until `release(filter)`) or `{ delayMs }`; `setFaults(plan)` changes
 *   the plan mid-test (e.g. `setFaults({})` to let a scenario finish), and `stats` counts what happened. A
 *   lost message or acknowledgement is sent again by its node after `redeliverAfterMs` (on the cluster's clock).
 *   The network's own `delayMs` counts real time, not the cluster's clock. Sessions can be opened only with
 *   parties the network knows: every node of a cluster; on a network built directly, a party that attached
 *   once or was declared (`parties: ['Bob']`, `network.declare('Bob')`) for a node that attaches later.
 */
export { send, receive, choose, offer, raise, abort, type ScriptStep, type PayloadCheck } from './script-steps.js'
export { testResponder, testInitiator, type RoleTestOptions } from './test-role.js'
export { testSession, type SessionTestOptions, type SessionTestOutcome } from './test-session.js'
export type { TestedProtocol } from './pick-version.js'
export { ScriptMismatchError, InvalidScriptError } from './script-errors.js'
export { SimulatedClock, settleEventLoop, type SimulatedClockOptions } from './simulated-clock.js'
export { createTestCluster, type TestCluster, type TestClusterOptions, type TestNodeSpec } from './test-cluster.js'
export { TestKitError } from './test-kit-error.js'
export { InMemoryNetwork, type InMemoryNetworkOptions, type FaultPlan, type FaultAction, type NetworkStats } from '../network/in-memory-network.js'
export type { Clock, ClockTimer } from '../engine/clock.js'
