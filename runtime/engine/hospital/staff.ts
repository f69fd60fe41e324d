/**
 * The hospital's staff: each member diagnoses the errors of its specialty and says what to do. A patient is
 * a flow that failed (or a session init nobody here answers); the hospital asks every member and takes the
 * most urgent decision (propagate over retry over observe, Corda's priority); with no diagnosis at all the
 * error propagates as it always did. A node's options add members or replace default ones by name, and a
 * flow's options do the same for that flow (`mergeStaff`).
 */
export type Decision = 'retry' | 'observe' | 'propagate'

export interface Patient {
  /** A flow that failed, or a session init for a protocol this node has no responder for. */
  readonly kind: 'flow' | 'init'
  /** The flow id, or for an init `<sender>:<message id>`. */
  readonly id: string
  /** The flow's name, or the init's protocol. */
  readonly name: string
  /** What failed: the flow's error, or for an init the reason it could not be answered (a string). */
  readonly error: unknown
  /** The error and its causes, outermost first. */
  readonly causes: readonly unknown[]
  /** How often the flow was already retried at this point (the same journal position); 0 at the first failure there. */
  readonly retries: number
}

export interface Diagnosis {
  readonly decision: Decision
  /** What the staff member found, a sentence for operators ("SQLite was busy: a transient fault"). */
  readonly diagnosis: string
  /** For a retry: how long to wait first (the node's clock). Default 0. */
  readonly delayMs?: number
}

export interface Staff {
  /** Stable name: a member given in the options replaces the default member of the same name. */
  readonly name: string
  /** A diagnosis when the patient is of this member's specialty, undefined otherwise. */
  diagnose(patient: Patient): Diagnosis | undefined
}

/** `extra` over `base`: a member of the same name replaces the base's, others are added after. */
export function mergeStaff(base: readonly Staff[], extra: readonly Staff[] | undefined): readonly Staff[] {
  if (!extra || extra.length === 0) return base
  const names = new Set(extra.map((s) => s.name))
  return [...base.filter((s) => !names.has(s.name)), ...extra]
}

const urgency: Record<Decision, number> = { propagate: 3, retry: 2, observe: 1 }

/** Every member's diagnosis; the most urgent wins (the first member's on a tie). */
export function consult(staff: readonly Staff[], patient: Patient): { readonly staff: string; readonly diagnosis: Diagnosis } | undefined {
  let best: { staff: string; diagnosis: Diagnosis } | undefined
  for (const member of staff) {
    const diagnosis = member.diagnose(patient)
    if (diagnosis && (!best || urgency[diagnosis.decision] > urgency[best.diagnosis.decision])) best = { staff: member.name, diagnosis }
  }
  return best
}
