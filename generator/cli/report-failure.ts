/**
 * How a failed codegen command ends: the error's exit code comes from the one code -> exit code table, and
 * the exit code decides the form of the report: a usage hint, a `path:line:col: error:` diagnostic, or an
 * internal error with its stack for a bug report.
 */
import path from 'node:path'
import { isColloquyError } from '../../runtime/protocol/errors/colloquy-error.js'
import { exitCodeOf, exitCodes } from '../../runtime/protocol/errors/exit-codes.js'
import { GeneratorError } from '../generator-error.js'

export function reportFailure(error: unknown, root: string, write: (text: string) => void): number {
  const exit = exitCodeOf(error, exitCodes.internal)
  if (exit === exitCodes.usage) {
    write(`colloquy: ${(error as Error).message}\nRun colloquy --help for usage.\n`)
  } else if (exit === exitCodes.internal) {
    write(`colloquy: internal error: ${(error as Error)?.stack ?? String(error)}\nPlease report it with the protocol that caused it.\n`)
  } else {
    write(`${diagnostic(error, root)}\n`)
  }
  return exit
}

/** `path:line:col: error: message` where the error has a place, else a plain `colloquy:` line. */
function diagnostic(error: unknown, root: string): string {
  if (error instanceof GeneratorError) return error.format(root)
  if (isColloquyError(error) && error.location) {
    const { file, line, column } = error.location
    const relative = path.relative(root, file)
    return `${relative.startsWith('..') ? file : relative.split(path.sep).join('/')}:${line}:${column}: error: ${error.message}`
  }
  return `colloquy: ${(error as Error)?.message ?? String(error)}`
}
