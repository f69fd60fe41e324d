/**
 * A problem in the user's protocols (or their lockfile), reported as `path:line:col: error: message` without
 * a stack trace. The place is data: the project-relative file, and the exact location when one is known.
 */
import path from 'node:path'
// From their own modules, not the package index: the command line loads this without the DSL or zod.
import type { SourceLocation } from '../runtime/protocol/dsl/call-site.js'
import type { ProtocolDefinitionError } from '../runtime/protocol/dsl/definition-error.js'
import { ColloquyError, isColloquyError } from '../runtime/protocol/errors/colloquy-error.js'

export interface DiagnosticPlace {
  /** Project-relative path of the file at fault. */
  readonly file: string
  readonly at?: SourceLocation | null
}

export class GeneratorError extends ColloquyError {
  override readonly name = 'GeneratorError'
  readonly code = 'GENERATOR_INVALID_PROTOCOL'

  constructor(
    message: string,
    readonly place: DiagnosticPlace,
    options: { readonly cause?: unknown } = {},
  ) {
    super(message, { ...options, location: place.at ?? null })
  }

  /** `path:line:col: message`, the format editors and CI annotate. */
  format(root: string = process.cwd()): string {
    const at = this.location
    const file = at ? relative(root, at.file) : this.place.file
    const position = at ? `:${at.line}:${at.column}` : ':1:1'
    return `${file}${position}: error: ${this.message}`
  }

  static from(error: unknown, file: string): GeneratorError {
    if (error instanceof GeneratorError) return error
    // Matched by code, not class: a protocol file may load its own copy of the DSL.
    if (isColloquyError(error) && error.code === 'PROTOCOL_DEFINITION') {
      const definition = error as ProtocolDefinitionError
      return new GeneratorError(definition.reason, { file, at: definition.location }, { cause: error })
    }
    const message = error instanceof Error ? error.message : String(error)
    return new GeneratorError(message, { file }, { cause: error })
  }
}

function relative(root: string, file: string): string {
  const rel = path.relative(root, file)
  return rel.startsWith('..') ? file : rel.split(path.sep).join('/')
}
