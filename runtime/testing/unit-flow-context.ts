/**
 * The flow context a handler runs with in a unit test (no node, no store): `ctx.step` runs its function,
 * `ctx.now`, `ctx.random` and `ctx.uuid` return fresh values (there is no journal to replay from),
 * `ctx.sleep` resolves at once (time does not pass in a handler test; use the test cluster's simulated
 * clock for timing), `ctx.subFlow` runs the sub-flow in place, `ctx.log` is silent unless a logger is given,
 * `ctx.isKilled` stays false (nothing kills a handler under test), `ctx.openSession` is whatever the
 * test connects, `ctx.progress` is a real tracker (`options.progress` to look at it; a sub-flow's nests
 * under it as on a node), and `ctx.waitFor` answers from `options.signals` (parsed by the schema): a name
 * with no signal times out when the wait has a timeout and throws TestKitError when it has none.
 */
import { randomUUID } from 'node:crypto'
import { ProgressTracker } from '../engine/progress-tracker.js'
import type { FlowContext, FlowLogger, SessionChannel, SessionRequest } from '../protocol/index.js'
import { TestKitError } from './test-kit-error.js'

export interface UnitFlowContextOptions {
  /** The party the handler runs as. */
  readonly me: string
  readonly flowId: string
  readonly logger?: FlowLogger
  /** Opens the sessions the handler asks for. */
  readonly openSession: (request: SessionRequest) => Promise<SessionChannel>
  /** The tracker `ctx.progress` is (default a new one). */
  readonly progress?: ProgressTracker
  /** What `ctx.waitFor(name)` gets, by event name. */
  readonly signals?: Readonly<Record<string, unknown>>
}

const silentLogger: FlowLogger = { info() {}, warn() {}, error() {} }

export function unitFlowContext(options: UnitFlowContextOptions): FlowContext {
  let subFlows = 0
  const progress = options.progress ?? new ProgressTracker()
  const context: FlowContext = {
    me: options.me,
    flowId: options.flowId,
    step: async (_name, fn) => fn(),
    observeOnError: (fn) => fn(),
    sleep: async () => {},
    now: async () => Date.now(),
    random: async () => Math.random(),
    uuid: async () => randomUUID(),
    log: options.logger ?? silentLogger,
    isKilled: false,
    subFlow: async (flow, args) => {
      const tracker = new ProgressTracker()
      tracker.nestUnder(progress)
      const result = await flow.run(unitFlowContext({ ...options, progress: tracker, flowId: `${options.flowId}/sub-${++subFlows}` }), args)
      if (tracker.used) tracker.finish()
      return result
    },
    openSession: (request) => options.openSession(request),
    progress,
    waitFor: async (name, schema, waitOptions) => {
      const signals = options.signals ?? {}
      if (Object.hasOwn(signals, name)) return { ok: true, value: schema.parse(signals[name]) }
      if (waitOptions?.timeoutMs !== undefined) return { ok: false, timedOut: true }
      throw new TestKitError(
        `The handler waits for event '${name}' without a timeout, and the test gave no signal for it; pass signals: { '${name}': payload }.`,
      )
    },
  }
  return context
}
