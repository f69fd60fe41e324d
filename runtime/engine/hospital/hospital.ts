/**
 * The flow hospital's admission (Corda's flow hospital): every error that would end a flow, other than a
 * declared FlowException the flow raised itself, a kill or an error marked terminal, comes here first.
 * The staff (staff.ts) diagnose it; the hospital then retries the flow from its last checkpoint (the run
 * is dropped from memory without telling its counterparties, and replayed from its journal after the
 * back-off, on the node's clock), keeps it for observation (not run, messages for it left with their
 * senders, until an operator retries or kills it, or the node restarts), or lets the error propagate as it
 * always did. It never ends a flow itself. Each retry or observation is recorded (store: hospital
 * records) with the retries at that point: a point is the number of journal entries the flow had written
 * when it failed, so a flow that got further starts counting again. Records go with the flow.
 */
import { Subject } from 'rxjs'
import type { FlowLogger } from '../../protocol/session/flow-context.js'
import { FlowException } from '../../protocol/session/session-errors.js'
import type { FlowStore } from '../../store/flow-store.js'
import type { Clock, ClockTimer } from '../clock.js'
import { describeError } from '../describe-error.js'
import { FlowKilledError } from '../engine-errors.js'
import type { FlowRun } from '../flow-run.js'
import type { LoadedFlows } from '../loaded-flows.js'
import type { TimerItem } from '../timer-queue.js'
import { admissionRow, toAdmission } from './admission-record.js'
import { causeChain, isTerminal } from './error-marks.js'
import type { HospitalEvent, PatientState } from './hospital-api.js'
import { type Diagnosis, type Staff, consult } from './staff.js'

export interface HospitalParts {
  readonly node: string
  readonly clock: Clock
  readonly logger: FlowLogger
  readonly store: Pick<FlowStore, 'putAdmission' | 'admissions' | 'timers' | 'commits'>
  readonly loaded: LoadedFlows
  readonly staff: readonly Staff[]
  /** The staff for one flow: the node's, with what the flow's options add or replace. */
  readonly staffFor: (flowName: string) => readonly Staff[]
  readonly keepAdmissions: number
  /** Loads and replays a flow from the store (recovery.ts). */
  readonly rehydrate: (flowId: string) => Promise<FlowRun | undefined>
  readonly timers: { add(item: TimerItem): void }
}

interface Patient {
  readonly flowName: string
  state: PatientState
  timer?: ClockTimer
  retryAt?: number
}

export class Hospital {
  /** Flows admitted since they last ended: how often they were retried at which point. */
  private readonly counts = new Map<string, { point: number; retries: number }>()
  /** Flows kept out of memory: observed, or waiting for their retry. */
  private readonly patients = new Map<string, Patient>()
  private readonly subject = new Subject<HospitalEvent>()
  readonly events = this.subject.asObservable()
  private stopped = false

  constructor(private readonly parts: HospitalParts) {}

  /** Reads the records at open: flows admitted before keep counting where they were (and are retried as they resume). */
  async open(): Promise<void> {
    for (const row of await this.parts.store.admissions()) {
      this.counts.set(row.flow_id, { point: row.point, retries: row.retries + (row.decision === 'retry' ? 1 : 0) })
    }
  }

  /** Whether the flow has records (its end removes them). */
  admitted(flowId: string): boolean {
    return this.counts.has(flowId)
  }

  /** Whether the hospital keeps the flow out of memory now (observed, or waiting for its retry). */
  keeps(flowId: string): boolean {
    return this.patients.has(flowId)
  }

  state(flowId: string): { state: PatientState; retryAt?: number } | undefined {
    const patient = this.patients.get(flowId)
    if (patient) return { state: patient.state, ...(patient.retryAt === undefined ? {} : { retryAt: patient.retryAt }) }
    return this.counts.has(flowId) ? { state: 'running' } : undefined
  }

  /** What the staff would decide for this error now, without admitting (a failed step asks before it journals). */
  wouldKeep(run: FlowRun, error: unknown): boolean {
    const decision = this.diagnose(run, error)?.diagnosis.decision
    return decision === 'retry' || decision === 'observe'
  }

  /**
   * The flow failed with `error`: true when the hospital took it (retry or observation; the run is dropped
   * here), false when the error propagates (the caller ends the flow as before).
   */
  admit(run: FlowRun, error: unknown): boolean {
    if (this.stopped) return false
    const found = this.diagnose(run, error)
    if (!found || found.diagnosis.decision === 'propagate') {
      if (found) this.parts.logger.warn(`Flow '${run.name}' (${run.flowId}) on ${this.parts.node}: ${found.diagnosis.diagnosis}.`)
      return false
    }
    const { diagnosis, staff, retries, point } = found
    const { store, clock, loaded } = this.parts
    run.state = 'dead'
    loaded.unload(run)
    run.releaseRecovered()
    const flowId = run.flowId
    this.counts.set(flowId, { point, retries: retries + (diagnosis.decision === 'retry' ? 1 : 0) })
    const row = admissionRow({ flowId, flowName: run.name, at: clock.now(), error, staff, diagnosis, retries, point })
    store.putAdmission(row, this.parts.keepAdmissions)
    const patient: Patient = { flowName: run.name, state: diagnosis.decision === 'retry' ? 'retrying' : 'observed' }
    this.patients.set(flowId, patient)
    const summary = `Flow '${run.name}' (${flowId}) on ${this.parts.node} was admitted to the hospital (${describeError(error)}): ${diagnosis.diagnosis}`
    if (diagnosis.decision === 'observe')
      this.parts.logger.warn(`${summary}. Retry it with \`colloquy hospital retry ${flowId}\` once the cause is fixed, or kill it.`)
    else this.parts.logger.info(`${summary}.`)
    store.commits.afterCommit(() => {
      this.subject.next({ type: 'admitted', flowId, flowName: run.name, admission: toAdmission(row) })
      if (diagnosis.decision === 'retry' && this.patients.get(flowId) === patient) this.schedule(flowId, patient, diagnosis)
    })
    return true
  }

  /** Retries a kept or waiting flow now; false when the hospital does not keep it. */
  retry(flowId: string): boolean {
    const patient = this.patients.get(flowId)
    if (!patient || this.stopped) return false
    if (patient.timer) this.parts.clock.clearTimeout(patient.timer)
    this.discharge(flowId, patient)
    return true
  }

  /** The flow ended (completed, failed or killed): its records went with it. */
  ended(flowId: string, flowName: string, ok: boolean): void {
    if (!this.counts.has(flowId) && !this.patients.has(flowId)) return
    const patient = this.patients.get(flowId)
    if (patient?.timer) this.parts.clock.clearTimeout(patient.timer)
    this.patients.delete(flowId)
    this.counts.delete(flowId)
    this.subject.next({ type: 'discharged', flowId, flowName, ok })
  }

  /** Held-init events come from held-inits.ts; published on the same Observable. */
  publish(event: HospitalEvent): void {
    this.subject.next(event)
  }

  stop(): void {
    this.stopped = true
    for (const patient of this.patients.values()) if (patient.timer) this.parts.clock.clearTimeout(patient.timer)
    this.subject.complete()
  }

  private diagnose(run: FlowRun, error: unknown): { staff: string; diagnosis: Diagnosis; retries: number; point: number } | undefined {
    // Never admitted: a declared error the flow raised itself, a kill, an error its author marked terminal.
    if ((error instanceof FlowException && error.peer === undefined) || error instanceof FlowKilledError || isTerminal(error)) return undefined
    const point = run.journal.length
    const count = this.counts.get(run.flowId)
    const retries = count && count.point === point ? count.retries : 0
    const patient = { kind: 'flow' as const, id: run.flowId, name: run.name, error, causes: causeChain(error), retries }
    const found = consult(this.parts.staffFor(run.name), patient)
    return found && { ...found, retries, point }
  }

  private schedule(flowId: string, patient: Patient, diagnosis: Diagnosis): void {
    if (this.stopped) return
    const delay = Math.max(0, diagnosis.delayMs ?? 0)
    patient.retryAt = this.parts.clock.now() + delay
    patient.timer = this.parts.clock.setTimeout(() => this.discharge(flowId, patient), delay)
    patient.timer.unref()
  }

  /** Lets the flow run again: replayed from its journal, with its durable timers armed again. */
  private discharge(flowId: string, patient: Patient): void {
    if (this.patients.get(flowId) !== patient || this.stopped) return
    this.patients.delete(flowId)
    this.subject.next({ type: 'retrying', flowId, flowName: patient.flowName })
    const { store, logger, node } = this.parts
    this.parts
      .rehydrate(flowId)
      .then(async (run) => {
        if (!run) return
        for (const timer of await store.timers([flowId])) this.parts.timers.add({ due: timer.due, flowId, key: timer.key })
      })
      .catch((error: unknown) => logger.error(`Node ${node} could not retry flow ${flowId}: ${describeError(error)}; it is retried when the node opens again.`))
  }
}
