/**
 * `ctx.step(name, fn, { timeoutMs, retry, observeOnError })`: the step body raced against its timeout on
 * the node's clock, and its error marked with what the options say, for the hospital's staff.
 */
import type { StepOptions } from '../../protocol/session/channel.js'
import type { Clock } from '../clock.js'
import { markObserved, markStepRetry } from './error-marks.js'
import { HospitalizeFlowError, StepTimeoutError } from './hospital-errors.js'

/** Runs the body; with `timeoutMs`, rejects with StepTimeoutError when it has not settled by then (the body is not stopped). */
export function runStepBody<T>(fn: () => T | Promise<T>, options: StepOptions | undefined, clock: Clock, describe: () => string): Promise<T> {
  const timeoutMs = options?.timeoutMs
  if (timeoutMs === undefined) return Promise.resolve().then(fn)
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(
      () => reject(new StepTimeoutError(`${describe()} did not finish within ${timeoutMs} ms; the flow is retried from its last checkpoint.`)),
      timeoutMs,
    )
    Promise.resolve()
      .then(fn)
      .then(resolve, reject)
      .finally(() => clock.clearTimeout(timer))
  })
}

/** The step's error, marked as the options say; a thrown non-object in an observed step becomes a HospitalizeFlowError. */
export function markStepError(error: unknown, options: StepOptions | undefined, describe: () => string): unknown {
  if (!options) return error
  if (options.observeOnError) return observed(error, describe)
  if (options.retry !== undefined && options.retry !== false) markStepRetry(error, options.retry)
  return error
}

/** An error out of code marked "observe on error", marked so (a thrown non-object is wrapped in HospitalizeFlowError). */
export function observed(error: unknown, describe: () => string): unknown {
  if (typeof error !== 'object' || error === null) return new HospitalizeFlowError(`${describe()} failed with ${String(error)}.`, { cause: error })
  markObserved(error)
  return error
}
