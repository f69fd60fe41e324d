/**
 * Notes for protocol versions long enough that a handler written as one function can overflow tsc. To infer
 * a handler's return type, tsc resolves the type of each state variable from the one before it, one stack
 * frame group per step; past about 400 steps it runs out of stack ("RangeError: Maximum call stack size
 * exceeded", with no location), whatever the types involved (plain TypeScript of the same shape fails
 * first). An annotated return type, or helpers that each take a state and return a later one, avoid it.
 */
import { stepNumber } from '../runtime/protocol/ir/index.js'
import { completionTypeName, stateTypeName } from './emit/names.js'
import type { ProjectModel } from './protocol-model.js'

/** Steps beyond which a handler written as one function with an inferred return type may overflow tsc. */
export const longHandlerSteps = 400

export function longHandlerNotes(model: ProjectModel): string[] {
  const notes: string[] = []
  for (const file of model.files) {
    for (const family of file.families) {
      for (const version of family.versions) {
        const { table } = version
        const steps = table.states.length - 1
        if (steps <= longHandlerSteps) continue
        const v = version.definition.version
        const role = family.initiator
        const middle = table.states[Math.floor(steps / 2)]!
        const completion = completionTypeName(family.name, role)
        notes.push(
          `note: ${family.name} v${v} (${file.path}) has ${steps} steps: tsc overflows its stack on a handler of more than about ${longHandlerSteps} steps written as one function whose return type it infers. ` +
            `Annotate each handler, naming its session (e.g. \`async <S>(s: ${stateTypeName(family.name, v, role, table.states[0]!)}<S>): Promise<${completion}<S, R>> => ...\`), or split the handler into functions from one state to a later one ` +
            `(e.g. \`async function secondHalf<S>(s: ${stateTypeName(family.name, v, role, middle)}<S>): Promise<${completion}<S, R>>\` from ${stepNumber(table, middle.id)}).`,
        )
      }
    }
  }
  return notes
}
