/** Which protocol family, version and file an inline step of a version runs, found by the step's label. */
import type { ProjectModel, VersionModel } from '../protocol-model.js'

/**
 * Looked up in the definition rather than the IR: its inline step holds the inlined protocol definition
 * itself, which the project model's `owners` map is keyed by; the IR has only a name and version.
 */
export function inlineTarget(model: ProjectModel, version: VersionModel, label: string): { file: string; family: string; version: number } {
  const find = (steps: VersionModel['definition']['steps']): { file: string; family: string; version: number } | undefined => {
    for (const step of steps) {
      if (step.op === 'inline' && step.label === label) return model.owners.get(step.protocol)
      const nested = step.op === 'choose' || step.op === 'offer' ? [...step.branches.values()] : step.op === 'loop' ? [step.body] : []
      for (const body of nested) {
        const found = find(body)
        if (found) return found
      }
    }
    return undefined
  }
  return find(version.definition.steps)!
}
