/**
 * The flow context a handler runs with in a unit test (no node, no store): `ctx.step` runs its function,
 * `ctx.now`, `ctx.random` and `ctx.uuid` return fresh values (there is no journal to replay from),
 * `ctx.sleep` resolves at once (time does not pass in a handler test; use the test cluster's simulated
 * clock for timing), `ctx.subFlow` runs the sub-flow in place, `ctx.log` is silent unless a logger is given,
 * `ctx.isKilled` stays false (nothing kills a handler under test), and `ctx.openSession` is whatever the
 * test connects.
 */
import { randomUUID } from 'node:crypto'
import type { FlowContext, FlowLogger, SessionChannel, SessionRequest } from '../protocol/index.js'

export interface UnitFlowContextOptions {
  /** The party the handler runs as. */
  readonly me: string
  readonly flowId: string
  readonly logger?: FlowLogger
  /** Opens the sessions the handler asks for. */
  readonly openSession: (request: SessionRequest) => Promise<SessionChannel>
}

const silentLogger: FlowLogger = { info() {}, warn() {}, error() {} }

export function unitFlowContext(options: UnitFlowContextOptions): FlowContext {
  let subFlows = 0
  const context: FlowContext = {
    me: options.me,
    flowId: options.flowId,
    step: async (_name, fn) => fn(),
    sleep: async () => {},
    now: async () => Date.now(),
    random: async () => Math.random(),
    uuid: async () => randomUUID(),
    log: options.logger ?? silentLogger,
    isKilled: false,
    subFlow: (flow, args) => flow.run(unitFlowContext({ ...options, flowId: `${options.flowId}/sub-${++subFlows}` }), args),
    openSession: (request) => options.openSession(request),
  }
  return context
}
