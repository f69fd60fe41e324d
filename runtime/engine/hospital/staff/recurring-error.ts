/**
 * Errors that may clear when the flow runs again but must not be retried for ever: a broken database
 * constraint (racing flows), and errors of a `ctx.step` declared `retry: n`. Retried from the last
 * checkpoint up to `maxRetries` times at the same point (3 by default; the step's `n` when it says),
 * then they propagate to the flow's caller and counterparties.
 */
import { type Backoff, backoffDelay } from '../backoff.js'
import { codeOf, stepRetry } from '../error-marks.js'
import type { Diagnosis, Patient, Staff } from '../staff.js'

export interface RecurringErrorOptions extends Backoff {
  /** Retries at one point before the error propagates. Default 3 (4 attempts). */
  readonly maxRetries?: number
}

function limitFor(error: unknown, fallback: number): number | undefined {
  const retry = stepRetry(error)
  if (typeof retry === 'number') return retry
  const code = codeOf(error)
  if (code?.startsWith('SQLITE_CONSTRAINT') || code === '23505') return fallback
  return undefined
}

export function recurringError(options: RecurringErrorOptions = {}): Staff {
  const fallback = options.maxRetries ?? 3
  return {
    name: 'recurring-error',
    diagnose(patient: Patient): Diagnosis | undefined {
      if (patient.kind !== 'flow') return undefined
      for (const error of patient.causes) {
        const limit = limitFor(error, fallback)
        if (limit === undefined) continue
        const what = `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`
        if (patient.retries >= limit)
          return { decision: 'propagate', diagnosis: `${what}; it recurred at the same point after ${patient.retries} retries and propagates` }
        return {
          decision: 'retry',
          diagnosis: `${what}; retry ${patient.retries + 1} of ${limit} from the last checkpoint`,
          delayMs: backoffDelay(patient.retries, options),
        }
      }
      return undefined
    },
  }
}
