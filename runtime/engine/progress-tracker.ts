/**
 * The progress tracker behind `ctx.progress` (runtime/protocol/session/flow-progress.ts), after Corda's
 * ProgressTracker: steps UNSTARTED, the flow's own, DONE; the current step moves forwards or backwards
 * (moving back removes the child trackers of the steps undone, the one moved to included); a step may hold a child tracker, whose
 * changes are the parent's changes; labels may change. Every change goes to the tracker's listener as
 * position, structure or label; the root's listener is the flow's run (progress-hub.ts turns it into
 * updates). A sub-flow's tracker joins its parent when it gets steps (`adoptWhenUsed`).
 */
import { InvalidOptionError } from '../protocol/errors/invalid-option-error.js'
import { DONE, type FlowProgress, type ProgressStepSpec, type ProgressSteps, UNSTARTED } from '../protocol/session/flow-progress.js'

export type ProgressChange = 'position' | 'structure' | 'label'

/** A tracker as plain data: its steps (without UNSTARTED and DONE) and the name of the current one. */
export interface ProgressTree {
  readonly current: string
  readonly steps: readonly ProgressStepView[]
}

export interface ProgressStepView {
  readonly name: string
  readonly label: string
  readonly child?: ProgressTree
}

interface Step {
  readonly name: string
  label: string
  child?: ProgressTracker
}

export class ProgressTracker implements FlowProgress {
  private list: Step[]
  private index = 0
  private listener: ((change: ProgressChange) => void) | undefined
  private adopt: (() => void) | undefined
  /** Whether anything was declared or moved: an untouched tracker reports nothing and costs nothing. */
  used = false

  constructor(steps: ProgressSteps = []) {
    this.list = this.wired(steps)
    if (steps.length > 0) this.used = true
  }

  /** Where changes go (the parent tracker, or the run for a root). */
  listen(listener: (change: ProgressChange) => void): void {
    this.listener = listener
  }

  /**
   * A sub-flow's tracker: it becomes the child of `parent`'s current step once it has steps (a parent still
   * at UNSTARTED moves to its first step first).
   */
  nestUnder(parent: ProgressTracker): void {
    const attach = () => {
      if (parent.index === 0 && parent.list.length > 2) parent.currentStep = parent.list[1]!.name
      parent.attachChild(parent.currentStep, this)
    }
    if (this.used) attach()
    else this.adopt = attach
  }

  get steps(): readonly string[] {
    return this.list.map((step) => step.name)
  }

  get currentStep(): string {
    return this.list[this.index]!.name
  }

  set currentStep(name: string) {
    const to = this.indexOf(name)
    if (this.done) throw new InvalidOptionError(`The progress tracker is at ${DONE}, so it cannot move to '${name}'; nothing moves after ${DONE}.`)
    if (to === this.index) return
    let removed = false
    // Back: the steps rolled back through, the one moved to included, lose their children (to be gone through again).
    for (let i = to; i <= this.index; i++) {
      const step = this.list[i]!
      if (step.child) {
        step.child.listener = undefined
        step.child = undefined
        removed = true
      }
    }
    this.index = to
    this.touch()
    if (removed) this.emit('structure')
    this.emit('position')
  }

  get done(): boolean {
    return this.index === this.list.length - 1
  }

  setSteps(steps: ProgressSteps): void {
    if (this.index !== 0)
      throw new InvalidOptionError(`Progress steps can only be declared while the tracker is at ${UNSTARTED}; it is at '${this.currentStep}'.`)
    this.list = this.wired(steps)
    this.touch()
    this.emit('structure')
  }

  relabel(step: string, label: string): void {
    const found = this.list[this.indexOf(step)]!
    if (found.label === label) return
    found.label = label
    this.touch()
    this.emit('label')
  }

  setChild(step: string, steps: ProgressSteps): ProgressTracker {
    const child = new ProgressTracker(steps)
    this.attachChild(step, child)
    return child
  }

  child(step: string): ProgressTracker | undefined {
    return this.list[this.indexOf(step)]!.child
  }

  /** Makes `child` the child tracker of `step` (a sub-flow's tracker under the current step). */
  attachChild(step: string, child: ProgressTracker): void {
    const found = this.list[this.indexOf(step)]!
    if (found.child) found.child.listener = undefined
    found.child = child
    child.listen((change) => this.emit(change))
    this.touch()
    this.emit('structure')
  }

  /** Moves to DONE (the flow finished); false when it already was there. */
  finish(): boolean {
    if (this.done) return false
    this.currentStep = DONE
    return true
  }

  /** The labels from this tracker's current step down through the current steps of its children. */
  path(): string[] {
    const step = this.list[this.index]!
    return [step.label, ...(step.child ? step.child.path() : [])]
  }

  tree(): ProgressTree {
    const steps = this.list
      .slice(1, -1)
      .map((step): ProgressStepView => ({ name: step.name, label: step.label, ...(step.child ? { child: step.child.tree() } : {}) }))
    return { current: this.currentStep, steps }
  }

  /** The step list for `steps`, with the changes of the children it declares reported as this tracker's. */
  private wired(steps: ProgressSteps): Step[] {
    const list = stepList(steps)
    for (const step of list) step.child?.listen((change) => this.emit(change))
    return list
  }

  private touch(): void {
    this.used = true
    const adopt = this.adopt
    this.adopt = undefined
    adopt?.()
  }

  private emit(change: ProgressChange): void {
    this.listener?.(change)
  }

  private indexOf(name: string): number {
    const index = this.list.findIndex((step) => step.name === name)
    if (index < 0) {
      const known = this.list.map((step) => `'${step.name}'`).join(', ')
      throw new InvalidOptionError(`'${name}' is not a step of this progress tracker; its steps are ${known}.`)
    }
    return index
  }
}

function stepList(steps: ProgressSteps): Step[] {
  const names = new Set<string>([UNSTARTED, DONE])
  const list: Step[] = [{ name: UNSTARTED, label: UNSTARTED }]
  for (const spec of steps) {
    const { name, label, children } = typeof spec === 'string' ? ({ name: spec } as ProgressStepSpec) : spec
    if (typeof name !== 'string' || name === '' || names.has(name))
      throw new InvalidOptionError(`Progress step '${String(name)}' is empty, reserved or declared twice; give each step its own name.`)
    names.add(name)
    list.push({ name, label: label ?? name, ...(children ? { child: new ProgressTracker(children) } : {}) })
  }
  list.push({ name: DONE, label: DONE })
  return list
}
