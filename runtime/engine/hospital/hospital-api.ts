/**
 * The hospital as operators see it (`node.hospital`, the RPC client, `colloquy hospital`): the flows it
 * keeps or is about to retry with their admissions, the session inits it holds, the actions on them, and
 * an Observable of what happens there.
 */
import type { Observable } from 'rxjs'
import type { Decision, Staff } from './staff.js'

/** What a node is opened with (`hospital` in the node options). */
export interface HospitalOptions {
  /** Members added to the default staff, or replacing the default member of the same name (staff/). */
  readonly staff?: readonly Staff[]
  /** How many admissions are kept per flow (the latest). Default 20. */
  readonly keepAdmissions?: number
}

/** One admission of a flow, as recorded. */
export interface Admission {
  readonly at: number
  /** The error's class name, code (when it has one), message and stack (for errors raised on this node). */
  readonly error: { readonly name: string; readonly code?: string; readonly message: string; readonly stack?: string }
  readonly staff: string
  readonly diagnosis: string
  readonly decision: Decision
  /** Retries at the same point before this admission. */
  readonly retries: number
}

/**
 * `observed`: kept until an operator retries or kills it, or the node restarts. `retrying`: waiting for its
 * back-off to end. `running`: retried and running again (its admissions stay until it ends).
 */
export type PatientState = 'observed' | 'retrying' | 'running'

export interface HospitalEntry {
  readonly flowId: string
  readonly flowName: string
  readonly state: PatientState
  readonly admissions: number
  readonly last: Admission
  /** For `retrying`: when the retry is due (the node's clock). */
  readonly retryAt?: number
}

export interface HospitalReport extends Omit<HospitalEntry, 'last'> {
  /** Every admission kept, oldest first. */
  readonly history: readonly Admission[]
  /** What the flow waits for, a sentence: "an operator's retry or kill, or a restart", "its retry at ...". */
  readonly waitingFor: string
}

export interface HospitalFilter {
  readonly flowName?: string
  readonly state?: PatientState
  /** The staff member of the last admission. */
  readonly staff?: string
  /** The error code (or class name) of the last admission. */
  readonly error?: string
}

export interface HeldInit {
  /** `<sender>:<message id>`: what rejectSessionInit takes. */
  readonly id: string
  readonly sender: string
  readonly protocol: string
  readonly at: number
  readonly reason: string
}

export type HospitalEvent =
  | { readonly type: 'admitted'; readonly flowId: string; readonly flowName: string; readonly admission: Admission }
  | { readonly type: 'retrying'; readonly flowId: string; readonly flowName: string }
  | { readonly type: 'discharged'; readonly flowId: string; readonly flowName: string; readonly ok: boolean }
  | { readonly type: 'init-held'; readonly init: HeldInit }
  | { readonly type: 'init-released'; readonly id: string; readonly outcome: 'resumed' | 'rejected' }

export interface NodeHospital {
  /** Flows with admissions (kept, waiting to be retried, or retried and running again), oldest first. */
  list(filter?: HospitalFilter): Promise<HospitalEntry[]>
  /** One flow's admissions, state and what it waits for; undefined when it has none. */
  show(flowId: string): Promise<HospitalReport | undefined>
  /** Retries a kept or waiting flow from its last checkpoint now; false when the hospital holds no such flow. */
  retry(flowId: string): Promise<boolean>
  /** Retries every kept or waiting flow the filter matches; with `dryRun`, only says which it would. */
  retryAll(filter?: HospitalFilter, options?: { readonly dryRun?: boolean }): Promise<HospitalEntry[]>
  /** Kills the flow (node.killFlow: its counterparties are told, its records removed); false when it is not running. */
  kill(flowId: string): Promise<boolean>
  /** Session inits kept because their protocol has no responder here. */
  heldInits(): Promise<HeldInit[]>
  /** Rejects a held init: its initiator gets the rejection. False when no init of that id is held. */
  rejectSessionInit(id: string): Promise<boolean>
  /** Admissions, retries, discharges, held and released inits, each after the commit that made it durable. */
  readonly events: Observable<HospitalEvent>
}
