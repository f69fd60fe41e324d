/**
 * The progress tracker on its own (Corda's ProgressTracker semantics): UNSTARTED, the steps, DONE; moves
 * forwards and backwards, moving back removes the child trackers of the steps undone; children's changes
 * are the parent's; labels change; nothing moves after DONE; a sub-flow's tracker nests under the current step.
 */
import { describe, expect, it } from 'vitest'
import { type ProgressChange, ProgressTracker } from '../../runtime/engine/index.js'
import { InvalidOptionError } from '../../runtime/protocol/errors/invalid-option-error.js'
import { DONE, UNSTARTED } from '../../runtime/protocol/index.js'

function watched(tracker: ProgressTracker): ProgressChange[] {
  const changes: ProgressChange[] = []
  tracker.listen((change) => changes.push(change))
  return changes
}

describe('ProgressTracker', () => {
  it('starts at UNSTARTED, moves through its steps and ends at DONE, after which nothing moves', () => {
    const tracker = new ProgressTracker(['Verifying', 'Signing'])
    expect(tracker.steps).toEqual([UNSTARTED, 'Verifying', 'Signing', DONE])
    const changes = watched(tracker)
    const seen: string[] = [tracker.currentStep]
    for (const step of ['Verifying', 'Signing', DONE]) {
      tracker.currentStep = step
      seen.push(tracker.currentStep)
    }
    expect(seen).toEqual([UNSTARTED, 'Verifying', 'Signing', DONE])
    expect(changes).toEqual(['position', 'position', 'position'])
    expect(tracker.done).toBe(true)
    expect(tracker.finish()).toBe(false)
    expect(() => {
      tracker.currentStep = 'Verifying'
    }).toThrow(`The progress tracker is at ${DONE}, so it cannot move to 'Verifying'; nothing moves after ${DONE}.`)
  })

  it('refuses unknown steps, steps declared twice, and new steps once it moved', () => {
    const tracker = new ProgressTracker(['A'])
    expect(() => {
      tracker.currentStep = 'B'
    }).toThrow("'B' is not a step of this progress tracker; its steps are 'UNSTARTED', 'A', 'DONE'.")
    expect(() => new ProgressTracker(['A', 'A'])).toThrow(InvalidOptionError)
    expect(() => new ProgressTracker([DONE])).toThrow("Progress step 'DONE' is empty, reserved or declared twice")
    tracker.currentStep = 'A'
    expect(() => tracker.setSteps(['X'])).toThrow(`Progress steps can only be declared while the tracker is at ${UNSTARTED}; it is at 'A'.`)
  })

  it('moving back removes the child trackers of the steps undone (the one moved to included), as a structural change', () => {
    const tracker = new ProgressTracker(['A', 'B', 'C'])
    tracker.currentStep = 'A'
    tracker.setChild('A', ['a1'])
    tracker.currentStep = 'B'
    const childB = tracker.setChild('B', ['b1', 'b2'])
    tracker.currentStep = 'C'
    tracker.setChild('C', ['c1'])
    const changes = watched(tracker)
    tracker.currentStep = 'B'
    expect(changes).toEqual(['structure', 'position'])
    expect(tracker.child('A')).toBeDefined()
    expect(tracker.child('B')).toBeUndefined()
    expect(tracker.child('C')).toBeUndefined()
    // A removed child no longer reports to its old parent.
    childB.currentStep = 'b1'
    expect(changes).toEqual(['structure', 'position'])
  })

  it("a child's changes are the parent's; the path and tree show the nesting; labels may change", () => {
    const tracker = new ProgressTracker(['Collecting', { name: 'Signing', label: 'Signing the deal', children: ['Mine', 'Theirs'] }])
    const changes = watched(tracker)
    tracker.currentStep = 'Signing'
    tracker.child('Signing')!.currentStep = 'Theirs'
    tracker.child('Signing')!.relabel('Theirs', 'Waiting for their signature')
    expect(changes).toEqual(['position', 'position', 'label'])
    expect(tracker.path()).toEqual(['Signing the deal', 'Waiting for their signature'])
    expect(tracker.tree()).toEqual({
      current: 'Signing',
      steps: [
        { name: 'Collecting', label: 'Collecting' },
        {
          name: 'Signing',
          label: 'Signing the deal',
          child: {
            current: 'Theirs',
            steps: [
              { name: 'Mine', label: 'Mine' },
              { name: 'Theirs', label: 'Waiting for their signature' },
            ],
          },
        },
      ],
    })
  })

  it("a sub-flow's tracker nests under the current step once it has steps, moving a parent off UNSTARTED", () => {
    const parent = new ProgressTracker(['Preparing', 'Finalising'])
    const changes = watched(parent)
    const sub = new ProgressTracker()
    sub.nestUnder(parent)
    expect(changes).toEqual([]) // a sub-flow without steps stays out of the tree
    sub.setSteps(['Notarising'])
    expect(parent.currentStep).toBe('Preparing')
    expect(parent.child('Preparing')).toBe(sub)
    sub.currentStep = 'Notarising'
    expect(parent.path()).toEqual(['Preparing', 'Notarising'])
    expect(changes).toEqual(['position', 'structure', 'structure', 'position'])
    const untouched = new ProgressTracker()
    expect(untouched.used).toBe(false)
  })
})
