/** `colloquy generate [--watch]`: writes what changed under <out>/ and says how much; with --watch, again on every change. */
import { exitCodes } from '../../runtime/protocol/errors/exit-codes.js'
import { planGenerationIsolated } from '../isolation/isolated-plan.js'
import { writeGeneration } from '../write-generation.js'
import { type CodegenCommandRun, out } from './command.js'

export const run: CodegenCommandRun = async (layout, args) => {
  const started = performance.now()
  const plan = await planGenerationIsolated(layout)
  const result = writeGeneration(layout, plan)
  for (const file of result.written) out(`wrote ${file}\n`)
  for (const file of result.removed) out(`removed ${file}\n`)
  for (const note of plan.notes) out(`${note}\n`)
  const ms = Math.round(performance.now() - started)
  out(
    `colloquy generate: ${plan.protocolFiles.length} protocol ${plan.protocolFiles.length === 1 ? 'file' : 'files'}, ${result.written.length} written, ${result.unchanged.length} unchanged, ${result.removed.length} removed (${ms} ms)\n`,
  )
  if (!args.watch) return exitCodes.ok
  const { watchProtocols } = await import('./watch.js')
  return watchProtocols(layout)
}
