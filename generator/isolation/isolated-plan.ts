/** Generate's plan made in the loader child: protocol files run apart from the command line, with a time limit. */
import type { GenerationPlan, ProjectLayout } from '../generate.js'
import { runIsolated } from './run-isolated.js'

export async function planGenerationIsolated(layout: ProjectLayout): Promise<GenerationPlan> {
  const plan = await runIsolated<Omit<GenerationPlan, 'outputs'> & { readonly outputs: [string, string][] }>({ kind: 'plan', layout })
  return { ...plan, outputs: new Map(plan.outputs) }
}
