/**
 * Transient infrastructure faults: SQLite busy or locked, I/O errors, connections reset or refused,
 * database deadlocks and serialization failures, a step or receive that timed out, and errors of a
 * `ctx.step` declared `retry: true`. Retried from the last checkpoint with exponential back-off and
 * jitter, without limit by default; with `maxRetries`, kept for observation once they are spent.
 */
import { type Backoff, backoffDelay } from '../backoff.js'
import { codeOf, stepRetry } from '../error-marks.js'
import type { Diagnosis, Patient, Staff } from '../staff.js'

export interface TransientErrorOptions extends Backoff {
  /** Retries at one point before the flow is kept for observation. Default: no limit. */
  readonly maxRetries?: number
}

const transientCodes = new Set([
  'STEP_TIMEOUT',
  'RECEIVE_TIMEOUT',
  'EIO',
  'EAGAIN',
  'EBUSY',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  '40001', // PostgreSQL serialization failure
  '40P01', // PostgreSQL deadlock
])

/** Whether an error (one link of a cause chain) is a transient fault. */
export function isTransient(error: unknown): boolean {
  if (stepRetry(error) === true) return true
  const code = codeOf(error)
  if (code === undefined) return false
  return transientCodes.has(code) || code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code.startsWith('SQLITE_IOERR')
}

export function transientError(options: TransientErrorOptions = {}): Staff {
  const limit = options.maxRetries ?? Number.POSITIVE_INFINITY
  return {
    name: 'transient-error',
    diagnose(patient: Patient): Diagnosis | undefined {
      if (patient.kind !== 'flow') return undefined
      const fault = patient.causes.find(isTransient)
      if (fault === undefined) return undefined
      const what = `${(fault as Error)?.name ?? 'Error'}${codeOf(fault) ? ` (${codeOf(fault)})` : ''} is a transient fault`
      if (patient.retries >= limit) return { decision: 'observe', diagnosis: `${what}, retried ${patient.retries} time(s), the limit; kept for observation` }
      return { decision: 'retry', diagnosis: `${what}; retried from the last checkpoint`, delayMs: backoffDelay(patient.retries, options) }
    },
  }
}
