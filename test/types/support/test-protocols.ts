/**
 * The protocols of the type fixtures (test/types/protocols), beyond the shipped ones: generated afresh into
 * test/types/fixtures/generated (not committed) before the fixtures are compiled, so they always follow the
 * generator as it is.
 */
import { type ProjectLayout, planGeneration } from '../../../generator/generate.js'
import { writeGeneration } from '../../../generator/write-generation.js'

export const testProtocolsLayout = (root: string): ProjectLayout => ({
  root,
  protocolsDir: 'test/types/protocols',
  outDir: 'test/types/fixtures/generated',
  runtime: './runtime/protocol/index.ts',
  generatorFingerprint: 'type fixtures',
})

/** Generates the fixtures' protocols; returns the generated modules' project-relative paths. */
export async function generateTestProtocols(root: string): Promise<string[]> {
  const layout = testProtocolsLayout(root)
  const plan = await planGeneration(layout)
  writeGeneration(layout, plan)
  return [...plan.outputs.keys()].filter((file) => file.endsWith('.ts')).sort()
}
