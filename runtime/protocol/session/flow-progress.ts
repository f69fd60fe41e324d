/**
 * What a flow reports about where it is (`ctx.progress`), after Corda's ProgressTracker: named steps
 * between UNSTARTED and DONE, moved to forwards or backwards, each step optionally with a child tracker
 * (a sub-flow's tracker becomes the child of the current step by itself). The engine implements it
 * (runtime/engine/progress-tracker.ts) and streams every change to `node.progress(flowId)`; declared here,
 * as types only, so flow code and handlers see it through the flow context.
 */

/** The step every tracker starts at. */
export const UNSTARTED = 'UNSTARTED'
/** The step a tracker ends at; the engine sets it when the flow finishes, and nothing moves after it. */
export const DONE = 'DONE'

/** A step: its name (what `currentStep` is set to, stable), its label (what operators see, may change) and its own steps. */
export interface ProgressStepSpec {
  readonly name: string
  /** Shown to operators; default the name. */
  readonly label?: string
  /** Steps of a child tracker under this step. */
  readonly children?: readonly (string | ProgressStepSpec)[]
}

export type ProgressSteps = readonly (string | ProgressStepSpec)[]

export interface FlowProgress {
  /**
   * The current step's name: UNSTARTED, one of the steps, or DONE. Setting it moves there, forwards or
   * backwards; moving back removes the child trackers of the steps undone. An unknown name, or any move
   * after DONE, throws InvalidOptionError.
   */
  currentStep: string
  /** The step names, UNSTARTED first and DONE last. */
  readonly steps: readonly string[]
  /** Declares the steps (only while UNSTARTED); a flow may also declare them with `flow(name, fn, { progress })`. */
  setSteps(steps: ProgressSteps): void
  /** Changes the label operators see for a step. */
  relabel(step: string, label: string): void
  /** Gives `step` a child tracker with these steps (replacing any it had) and returns it. */
  setChild(step: string, steps: ProgressSteps): FlowProgress
  /** The child tracker of `step`, if it has one. */
  child(step: string): FlowProgress | undefined
}
