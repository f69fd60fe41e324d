/**
 * Finds `protocols/**\/*.protocol.ts` and imports each one. A file that fails to load (syntax error, a
 * throw while defining a protocol) becomes a GeneratorError with its location, never a bare stack.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { isColloquyError } from '../runtime/protocol/index.js'
import { GeneratorError } from './generator-error.js'
import type { LoadedProtocolFile } from './protocol-model.js'

export { findProtocolFiles } from './protocol-files.js'

export async function loadProtocolFile(root: string, file: string): Promise<LoadedProtocolFile> {
  const absolute = path.join(root, file)
  try {
    const exports = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>
    return { path: file, exports }
  } catch (error) {
    throw loadError(error, root, file)
  }
}

function loadError(error: unknown, root: string, file: string): GeneratorError {
  const absolute = path.join(root, file)
  const message = error instanceof Error ? error.message : String(error)
  // esbuild (through tsx) reports syntax errors as "<file>:<line>:<col>: ERROR: <text>".
  const syntax = /^(?:Transform failed with \d+ errors?:\n)?(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(message)
  if (syntax) {
    return new GeneratorError(`syntax error: ${syntax[4]!.trim()}. Fix it and run colloquy generate again.`, {
      file,
      at: { file: path.resolve(syntax[1]!), line: Number(syntax[2]), column: Number(syntax[3]) },
    })
  }
  if (isColloquyError(error) && error.code === 'PROTOCOL_DEFINITION') return GeneratorError.from(error, file)
  const scope = commonJsScope(absolute)
  if (scope) {
    // Node loads a .ts file under a package without "type": "module" as CommonJS, which cannot import colloquy/protocol.
    const pkg = path.relative(root, scope) || scope
    return new GeneratorError(
      `this protocol file is loaded as CommonJS because ${pkg} does not declare "type": "module", and it failed (${message.split('\n')[0]}). Protocol files are ES modules: add "type": "module" to ${pkg} and run colloquy generate again.`,
      { file },
    )
  }
  const frame = error instanceof Error ? firstFrameIn(error.stack ?? '', absolute) : null
  const kind = error instanceof Error ? error.name : 'a value'
  return new GeneratorError(
    `loading this protocol file threw ${kind}: ${message.split('\n')[0]}. A protocol file should only declare protocols; fix the failing code and run colloquy generate again.`,
    { file, at: frame },
  )
}

function firstFrameIn(stack: string, absolute: string): { file: string; line: number; column: number } | null {
  for (const line of stack.split('\n')) {
    const match = /(?:file:\/\/)?(\/[^\s():]+):(\d+):(\d+)/.exec(line)
    if (match && path.resolve(match[1]!) === absolute) return { file: absolute, line: Number(match[2]), column: Number(match[3]) }
  }
  return null
}

/** The package.json that makes `file` CommonJS (its nearest one, without "type": "module"), or null. */
function commonJsScope(file: string): string | null {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json')
    if (existsSync(candidate)) {
      try {
        return (JSON.parse(readFileSync(candidate, 'utf8')) as { type?: unknown }).type === 'module' ? null : candidate
      } catch {
        return null
      }
    }
    if (path.dirname(dir) === dir) return null
  }
}
