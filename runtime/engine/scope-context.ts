/**
 * The FlowContext a flow sees. Each scope (the flow, a sub-flow, a session) numbers its actions; the
 * number is the journal key (journal-key.ts), so a replay finds each recorded result where the code asks
 * for it again.
 */
import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { InvalidOptionError } from '../protocol/errors/invalid-option-error.js'
import type { SessionChannel, SessionRequest, StepOptions, WaitForOptions, WaitForResult } from '../protocol/session/channel.js'
import type { FlowContext, FlowDefinition, FlowLogger } from '../protocol/session/flow-context.js'
import { PLAIN_DATA, encodingError } from '../protocol/session/payload-check.js'
import { ReplayedStepError } from './engine-errors.js'
import { EngineSession } from './engine-session.js'
import { waitForEvent } from './external-events.js'
import type { FlowRun } from './flow-run.js'
import { markStepError, observed, runStepBody } from './hospital/step-options.js'
import { newSessionId, recordedSessionId } from './initiated-session.js'
import { JournalScope, childScope } from './journal-key.js'
import { ProgressTracker } from './progress-tracker.js'
import { initiatorKey } from './session-key.js'
import { waitPlace } from './waiting-for.js'

export class ScopeContext extends JournalScope implements FlowContext {
  constructor(
    readonly run: FlowRun,
    scope: string,
    /** The tracker of the sub-flow this scope belongs to; the flow's own when undefined. */
    private readonly tracker?: ProgressTracker,
    /** The sub-flows this scope runs in, outermost first (what its waits report). */
    readonly subFlows: readonly string[] = [],
  ) {
    super(scope)
  }

  get progress(): ProgressTracker {
    return this.tracker ?? this.run.progress
  }

  get me(): string {
    return this.run.env.node
  }

  get flowId(): string {
    return this.run.flowId
  }

  get log(): FlowLogger {
    return this.run.log
  }

  get isKilled(): boolean {
    return this.run.killed !== undefined
  }

  async step<T>(name: string, fn: () => T | Promise<T>, options?: StepOptions): Promise<T> {
    const run = this.run
    if (!run.alive) return run.hang()
    const { key, where } = this.nextKey()
    const entry = run.recorded(key, { k: 'step', what: name }, where)
    if (entry?.k === 'step') {
      if (entry.ok) return entry.value as T
      throw new ReplayedStepError(entry.error.name, entry.error.message)
    }
    let value: T
    run.busy++
    const describe = () => `Step '${name}' of flow '${run.name}' (${run.flowId})`
    try {
      value = options ? await runStepBody(fn, options, run.env.clock, describe) : await fn()
    } catch (caught) {
      run.busy--
      if (!run.alive) return run.hang()
      const error = markStepError(caught, options, describe)
      // A failure the hospital retries or keeps is not journaled: the flow comes back to this step live.
      if (run.env.hospital.wouldKeep(run, error)) {
        run.retryCause ??= error
        throw error
      }
      const { name: errorName, message } = error instanceof Error ? error : { name: 'Error', message: String(error) }
      run.record(key, { k: 'step', name, ok: false, error: { name: errorName, message } })
      await run.commit()
      throw error
    }
    run.busy--
    if (!run.alive) return run.hang()
    const refused = encodingError(
      value,
      'result',
      (problem) => `Step '${name}' of flow '${run.name}' returned a value that cannot be journaled: ${problem}. Return ${PLAIN_DATA}.`,
    )
    if (refused) throw refused
    run.record(key, { k: 'step', name, ok: true, value })
    await run.commit()
    return value
  }

  async observeOnError<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      throw observed(error, () => `Code of flow '${this.run.name}' (${this.run.flowId}) marked "observe on error"`)
    }
  }

  // The sources of values that differ from run to run, journaled as steps named after them: a replay
  // returns the recorded value.
  now(): Promise<number> {
    return this.step('ctx.now', () => this.run.env.clock.now())
  }

  random(): Promise<number> {
    return this.step('ctx.random', Math.random)
  }

  uuid(): Promise<string> {
    return this.step('ctx.uuid', randomUUID)
  }

  async sleep(ms: number): Promise<void> {
    const run = this.run
    if (!run.alive) return run.hang()
    const { key, where } = this.nextKey()
    const entry = run.recorded(key, { k: 'sleep' }, where)
    const env = run.env
    let until: number
    if (entry?.k === 'sleep') until = entry.until
    else {
      until = env.clock.now() + Math.max(0, ms)
      run.record(key, { k: 'sleep', until })
      env.store.putTimer(run.flowId, key, until)
      run.touchedTimers = true
      env.timers.add({ due: until, flowId: run.flowId, key })
      await run.commit()
    }
    if (until > env.clock.now()) {
      await run.wait<void>((resolve) => run.timerWaiters.set(key, resolve), { kind: 'timer', until, ...waitPlace(this.subFlows) })
      run.timerWaiters.delete(key)
      if (!run.alive) return run.hang()
    }
    run.touchedTimers = true
    run.lastBatch = env.store.deleteTimer(run.flowId, key)
  }

  async openSession(request: SessionRequest): Promise<SessionChannel> {
    const run = this.run
    if (!run.alive) return run.hang()
    if (request.versions.length === 0) throw new InvalidOptionError(`Opening a ${request.protocol} session needs at least one version to offer.`)
    if (typeof request.counterparty !== 'string' || request.counterparty === '')
      throw new InvalidOptionError(
        `Opening a ${request.protocol} session needs a counterparty, the name of a party (a non-empty string), but got ${JSON.stringify(request.counterparty) ?? String(request.counterparty)}; pass the party's name.`,
      )
    const { key, index, where } = this.nextKey()
    const entry = run.recorded(key, { k: 'open', what: `${request.protocol} with ${request.counterparty}` }, where)
    const scope = childScope(this.scope, index)
    const id = entry ? recordedSessionId(entry, run.flowId, scope) : newSessionId()
    let session = run.sessions.get(initiatorKey(id))
    if (!session) {
      const single = request.versions.length === 1 ? request.versions[0]!.version : 0
      session = EngineSession.initiating(run, id, request, single)
    }
    session.attach(new ScopeContext(run, scope, this.tracker, this.subFlows), request)
    if (!entry) {
      run.env.declared.assertInitiates(request, run.name)
      run.env.parties.assertCounterparty(request, run.name)
      // With one version on offer the session row holds it (and its hash) from the start; only a choice of
      // versions needs recording for the check at start while the handshake is pending.
      const offers = request.versions.length > 1 ? { offers: request.versions } : {}
      run.record(key, { k: 'open', protocol: request.protocol, peer: request.counterparty, session: id, ...offers })
      session.persist()
      // With several versions on offer the handler depends on the outcome, so the handshake happens
      // now; with one, the init travels with the first frame (one message instead of a round trip).
      if (session.version === 0) session.sendInit(null)
    }
    // On replay the recorded session decides, not today's offer: a session opened with one version (or
    // already confirmed) keeps it when the node restarts with code that declares more versions.
    if (session.version === 0) await session.confirmation()
    return session
  }

  async subFlow<Args, Result>(flow: FlowDefinition<Args, Result>, args: Args): Promise<Result> {
    const run = this.run
    if (!run.alive) return run.hang()
    const { key, index, where } = this.nextKey()
    const entry = run.recorded(key, { k: 'sub', what: flow.name }, where)
    if (!entry) run.record(key, { k: 'sub', name: flow.name })
    // The sub-flow's tracker becomes the child of this one's current step once it has steps.
    const parent = this.progress
    const tracker = new ProgressTracker()
    tracker.nestUnder(parent)
    const result = await flow.run(new ScopeContext(run, childScope(this.scope, index), tracker, [...this.subFlows, flow.name]), args)
    if (tracker.used && run.alive) tracker.finish()
    return result
  }

  waitFor<S extends z.ZodType>(name: string, schema: S, options?: WaitForOptions): Promise<WaitForResult<z.output<S>>> {
    return waitForEvent(this, name, schema, options) as Promise<WaitForResult<z.output<S>>>
  }
}
