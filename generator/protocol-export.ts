/**
 * What one export of a protocol file is, read defensively (the file's code may be hostile): a protocol
 * definition, or something else. An export that reads as a protocol but cannot be used is refused here
 * with a sentence: an unfinished chain (no `.end()`), a protocol as the default export, or a value whose
 * properties throw when read.
 */
import { type AnyProtocol, isProtocolDefinition } from '../runtime/protocol/index.js'
import { GeneratorError } from './generator-error.js'
import { describeThrown } from './thrown-value.js'

/** The protocol `value` is, or null for an export that is no protocol. */
export function protocolExport(file: string, exports: Readonly<Record<string, unknown>>, exportName: string): AnyProtocol | null {
  const value = exports[exportName]
  let definition: boolean
  let unfinished: boolean
  try {
    definition = isProtocolDefinition(value)
    unfinished = !definition && isUnfinishedChain(value)
  } catch (error) {
    throw new GeneratorError(
      `reading the export ${exportName} threw ${describeThrown(error)}. A protocol file should only export plain values and protocols; fix the export and run colloquy again.`,
      { file },
    )
  }
  if (unfinished) {
    const steps = (value as { steps: readonly { at: AnyProtocol['at'] }[] }).steps
    throw new GeneratorError(`the protocol exported as ${exportName} is not finished: add .end() after its last step.`, {
      file,
      at: steps[steps.length - 1]?.at.location ?? null,
    })
  }
  if (!definition) return null
  const protocol = value as AnyProtocol
  if (exportName === 'default' && !Object.entries(exports).some(([name, other]) => name !== 'default' && other === value)) {
    throw new GeneratorError(
      `${protocol.name} v${protocol.version} is the default export; generated code imports protocols by name, so export it with a name (export const ${protocol.name} = protocol(...)...end()).`,
      { file, at: protocol.at.location },
    )
  }
  return protocol
}

/** A protocol(...) chain without its `.end()`: the builder, recognised by its step methods. */
function isUnfinishedChain(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  const chain = value as Record<string, unknown>
  return typeof chain.send === 'function' && typeof chain.receive === 'function' && typeof chain.end === 'function' && Array.isArray(chain.steps)
}
