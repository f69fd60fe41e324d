/**
 * Unit tests of one role's handler against a scripted counterparty, without a node or a store:
 *
 *   const result = await testResponder(Demo, bobResponder, {
 *     version: 1,
 *     script: [send('amount', 42), receive('greeting', (g) => expect(g).toContain('42')), send('reply', 'x'), receive('result')],
 *   })
 *
 * resolves with the handler's result, rejects with the handler's own error, or with a ScriptMismatchError /
 * InvalidScriptError naming the script step and the protocol step that went wrong.
 */
import type { ProgressTracker } from '../engine/progress-tracker.js'
import type { FlowContext, FlowLogger, ResponderRegistration, SessionChannel, SessionRequest } from '../protocol/index.js'
import { pickVersion, type TestedProtocol } from './pick-version.js'
import { InvalidScriptError, ScriptMismatchError } from './script-errors.js'
import type { ScriptStep } from './script-steps.js'
import { ScriptedCounterparty } from './scripted-counterparty.js'
import { unitFlowContext } from './unit-flow-context.js'

export interface RoleTestOptions {
  /** What the counterparty does, in order: `send`, `receive`, `choose`, `offer`, `raise`, `abort`. */
  readonly script: readonly ScriptStep[]
  /** The version to run; default the highest both the handler and the protocol declare. */
  readonly version?: number
  /** The handler's party name (`ctx.me`); default its role name in the protocol. */
  readonly me?: string
  /** The counterparty's party name, for a responder under test; default its role name. An initiator names its own. */
  readonly counterparty?: string
  /** Receives the handler's `ctx.log` calls; default silent. */
  readonly logger?: FlowLogger
  /** What the handler's `ctx.waitFor(name)` gets, by event name (a name without one times out, or fails the test without a timeout). */
  readonly signals?: Readonly<Record<string, unknown>>
  /** The tracker the handler's `ctx.progress` is, to look at where it got (default a new one). */
  readonly progress?: ProgressTracker
}

/** The context options a role test passes through. */
function passed(options: Pick<RoleTestOptions, 'logger' | 'signals' | 'progress'>) {
  const { logger, signals, progress } = options
  return { ...(logger ? { logger } : {}), ...(signals ? { signals } : {}), ...(progress ? { progress } : {}) }
}

/** Runs `registration` (e.g. `Demo.responder({ v1, v2 })`) against a scripted initiator. */
export async function testResponder<R = unknown>(protocol: TestedProtocol, registration: ResponderRegistration, options: RoleTestOptions): Promise<R> {
  if (registration.protocol !== protocol.name) {
    throw new InvalidScriptError(
      `The responder answers ${registration.protocol} sessions, but the test scripts ${protocol.name}; pass the protocol the responder was made from.`,
      0,
    )
  }
  const first = protocol.versions[0]!.table
  const me = options.me ?? first.responder
  const spec = pickVersion(protocol, { side: 'responder', party: me, versions: registration.versions }, options.version)
  const peer = new ScriptedCounterparty({
    spec,
    role: spec.table.initiator,
    party: options.counterparty ?? spec.table.initiator,
    handlerRole: spec.table.responder,
    handlerParty: me,
    script: options.script,
  })
  const context = unitFlowContext({
    me,
    flowId: `${me}-under-test`,
    openSession: refuseOtherSessions(me),
    ...passed(options),
  })
  return peer.play(Promise.resolve().then(() => registration.run(peer.channel, context))) as Promise<R>
}

/**
 * Runs `flow`, a function that initiates the protocol (e.g. `(ctx) => Demo.initiate(ctx, 'Bob', handlers)`),
 * against a scripted responder. The flow may open one session, of this protocol, with any party.
 */
export async function testInitiator<R>(
  protocol: TestedProtocol,
  flow: (ctx: FlowContext) => Promise<R>,
  options: Omit<RoleTestOptions, 'counterparty'>,
): Promise<R> {
  const me = options.me ?? protocol.versions[0]!.table.initiator
  let opened: (peer: ScriptedCounterparty) => void = () => {}
  const peerReady = new Promise<ScriptedCounterparty>((resolve) => (opened = resolve))
  let peer: ScriptedCounterparty | undefined
  const openSession = async (request: SessionRequest): Promise<SessionChannel> => {
    if (peer) return refuseOtherSessions(me)(request)
    if (request.protocol !== protocol.name) {
      throw new InvalidScriptError(
        `The flow opened a ${request.protocol} session with ${request.counterparty}, but the test scripts ${protocol.name}; pass the protocol the flow initiates.`,
        0,
      )
    }
    const spec = pickVersion(protocol, { side: 'initiator', party: me, versions: request.versions }, options.version)
    peer = new ScriptedCounterparty({
      spec,
      role: spec.table.responder,
      party: request.counterparty,
      handlerRole: spec.table.initiator,
      handlerParty: me,
      script: options.script,
    })
    opened(peer)
    return peer.channel
  }
  const context = unitFlowContext({ me, flowId: `${me}-under-test`, openSession, ...passed(options) })
  const handler = Promise.resolve().then(() => flow(context))
  const first = await Promise.race([peerReady, handler.then(() => undefined)])
  if (!first) {
    throw new ScriptMismatchError(`The flow returned without opening a ${protocol.name} session, so the script (${options.script.length} steps) never ran.`, 1)
  }
  return first.play(handler)
}

/** A handler test connects one session; a handler that opens others is a case for a test cluster. */
function refuseOtherSessions(me: string) {
  return async (request: SessionRequest): Promise<SessionChannel> => {
    throw new InvalidScriptError(
      `${me}'s handler opened a ${request.protocol} session with ${request.counterparty}, but a handler test connects only the session under test. Test flows that talk to several parties with createTestCluster.`,
      0,
    )
  }
}
