/**
 * The steps a builder has recorded, at the type level: a persistent list whose newest step is outermost.
 * Appending a step wraps the list once, so each builder call costs the compiler the same whatever the
 * protocol's length (a tuple rebuilt on every call made a definition's cost grow with the square of its
 * length). `StepTuple` turns a list into the tuple `SessionOf` shows, only when someone asks for it.
 */
import type { Step } from './session-type.js'

/** The steps recorded before `Last`, then `Last`. */
export interface StepsThen<Previous, Last extends Step> {
  readonly previous: Previous
  readonly last: Last
}

/** No step recorded yet. */
export interface NoSteps {
  readonly previous: null
}

/** Any list of recorded steps; `Previous` is not walked, so checking a list against it costs one step. */
export type StepList = StepsThen<unknown, Step> | NoSteps

/**
 * The steps of a list as a tuple, first step first. Eight steps are taken per round, since tsc follows a
 * recursive type for at most 1,000 rounds: lists of up to 8,000 steps convert.
 */
export type StepTuple<L, Acc extends Step[] = []> =
  L extends StepsThen<
    StepsThen<StepsThen<StepsThen<StepsThen<StepsThen<StepsThen<StepsThen<infer P, infer S1>, infer S2>, infer S3>, infer S4>, infer S5>, infer S6>, infer S7>,
    infer S8
  >
    ? StepTuple<P, [S1, S2, S3, S4, S5, S6, S7, S8, ...Acc]>
    : L extends StepsThen<infer Previous, infer Last>
      ? StepTuple<Previous, [Last, ...Acc]>
      : Acc
