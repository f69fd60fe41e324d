/** A problem in the user's protocols, reported as `path:line:col: message` without a stack trace. */
import path from 'node:path'
import { ProtocolDefinitionError } from '../runtime/protocol/index.js'
import type { SourceLocation } from '../runtime/protocol/index.js'

export interface DiagnosticPlace {
  /** Project-relative path of the file at fault. */
  readonly file: string
  readonly at?: SourceLocation | null
}

export class GeneratorError extends Error {
  override readonly name = 'GeneratorError'

  constructor(
    message: string,
    readonly place: DiagnosticPlace,
  ) {
    super(message)
  }

  /** `path:line:col: message`, the format editors and CI annotate. */
  format(root: string = process.cwd()): string {
    const at = this.place.at
    const file = at ? relative(root, at.file) : this.place.file
    const position = at ? `:${at.line}:${at.column}` : ':1:1'
    return `${file}${position}: error: ${this.message}`
  }

  static from(error: unknown, file: string): GeneratorError {
    if (error instanceof GeneratorError) return error
    if (error instanceof ProtocolDefinitionError) {
      const message = error.message.replace(/ \([^()]*:\d+:\d+\)$/, '')
      return new GeneratorError(message, { file, at: locationFromWhere(error.where) })
    }
    const message = error instanceof Error ? error.message : String(error)
    return new GeneratorError(message, { file })
  }
}

function locationFromWhere(where: string | undefined): SourceLocation | null {
  const match = where ? /^(.*):(\d+):(\d+)$/.exec(where) : null
  if (!match) return null
  return { file: path.resolve(match[1]!), line: Number(match[2]), column: Number(match[3]) }
}

function relative(root: string, file: string): string {
  const rel = path.relative(root, file)
  return rel.startsWith('..') ? file : rel.split(path.sep).join('/')
}
