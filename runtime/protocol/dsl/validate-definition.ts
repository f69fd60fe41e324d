/**
 * Definition-time checks of a whole protocol: unique labels, continues that name an enclosing loop,
 * non-empty choices, loops that can be left, no step that could never run.
 */
import type { CallSite } from './call-site.js'
import { ProtocolDefinitionError } from './definition-error.js'
import type { Schema } from './session-type.js'
import { type StepNode, describeStep } from './step-node.js'

interface Draft {
  readonly name: string
  readonly version: number
  readonly steps: readonly StepNode[]
  readonly messages: Map<string, Schema>
}

/** How a list of steps can finish: fall through to what follows, end the protocol, or continue a loop. */
type Outcome = 'fall' | 'end' | `continue:${string}`

export function validateDefinition(draft: Draft): void {
  const labels = new Map<string, { step: StepNode; index: number }>()
  let counter = 0
  const fail = (message: string, at: CallSite): never => {
    throw new ProtocolDefinitionError(draft.name, draft.version, message, at)
  }

  const claimLabel = (label: string, step: StepNode, index: number): void => {
    const earlier = labels.get(label)
    if (earlier) {
      fail(
        `label '${label}' is used twice: step ${earlier.index} (${describeStep(earlier.step)}) at ${earlier.step.at} and step ${index} (${describeStep(step)}); labels name generated states, so make each unique`,
        step.at,
      )
    }
    labels.set(label, { step, index })
  }

  const walk = (steps: readonly StepNode[], loops: readonly string[]): Set<Outcome> => {
    const outcomes = new Set<Outcome>(['fall'])
    for (const step of steps) {
      // Numbered like the generated states: only messages, choices and inlines are steps a peer sees.
      const isState = step.op !== 'loop' && step.op !== 'continue' && step.op !== 'end'
      const index = isState ? ++counter : counter
      const name = isState ? `step ${index} (${describeStep(step)})` : describeStep(step)
      // A trailing end() after paths that all ended already is harmless; anything else there is dead.
      if (!outcomes.has('fall') && step.op !== 'end') {
        fail(`${name} can never run: every path before it ends or continues a loop; remove it or move it into a branch that falls through`, step.at)
      }
      switch (step.op) {
        case 'send':
        case 'receive':
          claimLabel(step.label, step, index)
          draft.messages.set(step.label, step.schema)
          break
        case 'inline':
          claimLabel(step.label, step, index)
          break
        case 'end':
          outcomes.delete('fall')
          outcomes.add('end')
          break
        case 'continue':
          if (!loops.includes(step.name)) {
            const known = loops.length ? loops.map((l) => `'${l}'`).join(', ') : 'none'
            fail(`${name} refers to no enclosing loop (enclosing loops: ${known}); wrap the steps in loop('${step.name}', p => ...) or fix the name`, step.at)
          }
          outcomes.delete('fall')
          outcomes.add(`continue:${step.name}`)
          break
        case 'choose':
        case 'offer': {
          claimLabel(step.label, step, index)
          if (step.branches.size === 0) fail(`${name} has no branches; give it at least one, e.g. { accept: p => p, reject: p => p.end() }`, step.at)
          outcomes.delete('fall')
          for (const body of step.branches.values()) for (const o of walk(body, loops)) outcomes.add(o)
          break
        }
        case 'loop': {
          if (loops.includes(step.name)) fail(`${name} is nested in a loop of the same name; give it another name`, step.at)
          if (!step.body.some((s) => s.op !== 'loop' && s.op !== 'continue' && s.op !== 'end')) {
            fail(`${name} has no message, choice or inline step in its body, so it could never make progress`, step.at)
          }
          const body = walk(step.body, [...loops, step.name])
          body.delete(`continue:${step.name}`)
          if (body.size === 0) {
            fail(`${name} has no exit: every path through its body continues it; let one branch fall through (p => p) or end()`, step.at)
          }
          outcomes.delete('fall')
          for (const o of body) outcomes.add(o)
          break
        }
      }
    }
    return outcomes
  }

  const body = draft.steps
  if (!body.some((s) => s.op !== 'end')) {
    const first = body[0]
    if (first) fail('has no steps; declare at least one send, receive, choice or inline before end()', first.at)
  }
  walk(body, [])
}
