/**
 * A flow whose replay fails (its code no longer makes the calls its journal recorded, after a code change):
 * retried once (`maxRetries`), then kept for observation, so the node keeps serving every other flow and
 * the flow waits for the right code (a restart with it) or an operator's kill.
 */
import { codeOf } from '../error-marks.js'
import type { Diagnosis, Patient, Staff } from '../staff.js'

export interface ReplayFailureOptions {
  /** Retries before the flow is kept. Default 1. */
  readonly maxRetries?: number
  /** Wait before the retry. Default 100 ms. */
  readonly delayMs?: number
}

export function replayFailure(options: ReplayFailureOptions = {}): Staff {
  const limit = options.maxRetries ?? 1
  return {
    name: 'replay-failure',
    diagnose(patient: Patient): Diagnosis | undefined {
      if (patient.kind !== 'flow' || !patient.causes.some((e) => codeOf(e) === 'NON_DETERMINISM')) return undefined
      if (patient.retries < limit)
        return { decision: 'retry', diagnosis: 'the replay deviated from the journal; replayed once more', delayMs: options.delayMs ?? 100 }
      return {
        decision: 'observe',
        diagnosis: `the replay deviated from the journal ${patient.retries + 1} times: the flow's code changed while it was in flight; kept until the code it started with runs, or it is killed`,
      }
    },
  }
}
