/**
 * Runs a flow's body and ends it: the outcome is checked against the journal (a replay that left
 * recorded actions unreached means the code changed), the peers get their final end or error frame, the
 * outcome policy decides what stays in the store, and once that is durable the result, the flow-ended
 * event and the drain check follow. A fault while it ends (an error frame or outcome that cannot be
 * encoded, a write the store refuses) fails that flow alone (flow-failure.ts).
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { PLAIN_DATA, encodingError } from '../protocol/session/payload-check.js'
import { FlowException } from '../protocol/session/session-errors.js'
import type { FlowStore } from '../store/flow-store.js'
import type { Drain } from './drain.js'
import { NonDeterminismError } from './engine-errors.js'
import type { EventHub } from './event-hub.js'
import type { FlowResults } from './flow-results.js'
import type { FlowRun } from './flow-run.js'
import type { Hospital } from './hospital/hospital.js'
import { describeAction } from './journal-entry.js'
import type { LoadedFlows } from './loaded-flows.js'
import type { Outcome, OutcomePolicy } from './outcome-policy.js'
import { toWireException } from './wire-exceptions.js'

export interface LauncherParts {
  readonly node: string
  readonly logger: FlowLogger
  readonly store: Pick<FlowStore, 'finishFlow' | 'commits'>
  readonly loaded: LoadedFlows
  readonly policy: OutcomePolicy
  readonly results: FlowResults
  readonly events: EventHub
  readonly drain: Drain
  /** Where an error that would end the flow goes first: it may retry the flow or keep it (hospital/hospital.ts). */
  readonly hospital: Pick<Hospital, 'admit' | 'admitted'>
  /** Where a fault while the flow ends goes (flow-failure.ts): it fails that flow alone. */
  readonly fail: (run: FlowRun, doing: string, cause: unknown) => void
}

export class FlowLauncher {
  constructor(private readonly parts: LauncherParts) {}

  launch(run: FlowRun, body: () => Promise<unknown>): void {
    this.parts.loaded.add(run)
    void this.settle(run, body)
  }

  /** Runs the body and ends the flow; a fault while ending it fails that flow alone (flow-failure.ts). Never rejects. */
  private async settle(run: FlowRun, body: () => Promise<unknown>): Promise<void> {
    let outcome: Outcome
    try {
      const value = await body()
      if (run.fatal) throw run.fatal
      // A step failure the hospital takes was not journaled: the flow is retried (or kept) even if its code caught it.
      if (run.retryCause !== undefined) throw run.retryCause
      const left = run.journal.unconsumed()
      if (left.length > 0) {
        const [key, entry] = left[0]!
        throw new NonDeterminismError(
          `Flow '${run.name}' (${run.flowId}) on ${this.parts.node} finished its replay without reaching ${left.length} journaled action(s), first ${describeAction(entry)} at ${key}; ` +
            `the flow's code changed while it was in flight. Run the code the flow started with.`,
        )
      }
      outcome = { ok: true, value }
    } catch (error) {
      outcome = { ok: false, error: run.fatal ?? run.retryCause ?? error }
    }
    try {
      outcome = encodableOutcome(run, outcome)
      if (!run.alive) return
      if (!outcome.ok && this.parts.hospital.admit(run, outcome.error)) return
      await this.finish(run, outcome)
    } catch (error) {
      this.parts.fail(run, 'ending', error)
    }
  }

  private async finish(run: FlowRun, initial: Outcome): Promise<void> {
    const { store, loaded, results, events, drain, logger } = this.parts
    let outcome = initial
    run.state = 'finishing'
    run.markLive()
    // A flow cannot end while a session it opened waits for the peer's answer: the end or error it
    // owes that peer may only leave after the confirm.
    for (const session of run.sessions.values()) {
      if (session.direction !== 'initiator' || !session.initSent || session.status !== 'opening') continue
      try {
        await session.confirmation()
      } catch (error) {
        if (outcome.ok) outcome = { ok: false, error }
      }
      if (!run.alive) return
    }
    const failure = outcome.ok ? null : outcome.error
    for (const session of run.sessions.values()) {
      session.finalMessage(failure === null ? null : { error: failure, wire: toWireException(failure, session.protocol) })
    }
    // DONE is recorded with the flow's end (a tracker nobody used stays silent; progress-hub.ts ends it).
    if (outcome.ok && run.reportsProgress) run.progress.finish()
    const touched = { inbox: run.touchedInbox, timers: run.touchedTimers, signals: run.touchedSignals, hospital: this.parts.hospital.admitted(run.flowId) }
    store.finishFlow(run.flowId, this.parts.policy.retention(run.kind, outcome, run.origin?.clientId !== undefined), touched)
    await store.commits.commit()
    if (!run.alive) return
    run.state = 'done'
    loaded.unload(run)
    if (!outcome.ok && !(outcome.error instanceof FlowException)) {
      logger.error(`Flow '${run.name}' (${run.flowId}) on ${this.parts.node} failed: ${(outcome.error as Error)?.message ?? String(outcome.error)}`)
    }
    results.settle(run.flowId, outcome)
    events.flowEnded({
      flowId: run.flowId,
      name: run.name,
      kind: run.kind,
      ok: outcome.ok,
      ...(outcome.ok ? { result: outcome.value } : { error: outcome.error }),
    })
    drain.check()
  }
}

/**
 * The outcome as it can be stored and sent: a result, or the details of a FlowException the flow raised
 * itself (built without create(), which checks them), that cannot be encoded fail the flow with an
 * InvalidPayloadError naming the path, instead of failing the engine while it writes them.
 */
function encodableOutcome(run: FlowRun, outcome: Outcome): Outcome {
  const flow = `Flow '${run.name}' (${run.flowId})`
  let refused: Error | undefined
  if (outcome.ok) {
    refused = encodingError(outcome.value, 'result', (problem) => `${flow} returned a result that cannot be stored: ${problem}. Return ${PLAIN_DATA}.`)
  } else if (outcome.error instanceof FlowException && outcome.error.peer === undefined) {
    const { errorType, details } = outcome.error
    refused = encodingError(
      details,
      'details',
      (problem) => `${flow} raised ${errorType} with details that cannot be sent: ${problem}. Raise it with ${PLAIN_DATA}.`,
    )
  }
  return refused ? { ok: false, error: refused } : outcome
}
