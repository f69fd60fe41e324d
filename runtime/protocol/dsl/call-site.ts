/**
 * Where a protocol step was written, so diagnostics can point at `file:line:col`.
 * The stack is captured eagerly (cheap) and parsed only when a location is asked for.
 */
import { dirname, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Frames in this module's folder are the DSL's own (in the published bundle: the whole bundle's folder),
 * so the first frame outside it is the user's step. Found from this file's URL, not a folder name.
 */
const dslFolder = dirname(fileURLToPath(import.meta.url)) + sep

export interface SourceLocation {
  readonly file: string
  readonly line: number
  readonly column: number
}

export class CallSite {
  readonly #holder: { stack?: string }
  #parsed: SourceLocation | null | undefined

  // biome-ignore lint/complexity/noBannedTypes: Error.captureStackTrace takes any function as the frame to cut at, and classes are passed too
  constructor(skip: Function) {
    this.#holder = {}
    Error.captureStackTrace(this.#holder, skip)
  }

  get location(): SourceLocation | null {
    if (this.#parsed === undefined) this.#parsed = parseFirstUserFrame(this.#holder.stack ?? '')
    return this.#parsed
  }

  toString(): string {
    const at = this.location
    return at ? formatLocation(at) : 'unknown location'
  }
}

const framePattern = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?$/

function parseFirstUserFrame(stack: string): SourceLocation | null {
  for (const line of stack.split('\n').slice(1)) {
    const match = framePattern.exec(line.trim())
    if (!match) continue
    const [, rawFile, lineNo, col] = match
    if (!rawFile || rawFile.startsWith('node:')) continue
    const file = rawFile.startsWith('file://') ? fileURLToPath(rawFile) : rawFile
    if (file.startsWith(dslFolder)) continue
    return { file, line: Number(lineNo), column: Number(col) }
  }
  return null
}

export function formatLocation(at: SourceLocation, relativeTo = process.cwd()): string {
  const file = at.file.startsWith(`${relativeTo}/`) ? at.file.slice(relativeTo.length + 1) : at.file
  return `${file}:${at.line}:${at.column}`
}
