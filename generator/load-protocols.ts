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
import { thrownMessage } from './thrown-value.js'

export { findProtocolFiles } from './protocol-files.js'

/** Told when each protocol file starts and finishes loading (the loader child reports it to the command line). */
export interface LoadObserver {
  loading(file: string): void
  /** May throw, to fail the file (a file that leaves a timer running, when files load one at a time). */
  loaded(file: string): void | Promise<void>
  /** Every file has loaded (not called when one failed). */
  allLoaded?(): void | Promise<void>
}

export interface LoadOptions {
  readonly observer?: LoadObserver
  /** One file at a time: slower, but whatever happens while a file loads is that file's doing. */
  readonly oneAtATime?: boolean
}

/**
 * Imports the files, concurrently unless asked otherwise (tsx hands each cold file to esbuild off the main
 * thread, so the transforms overlap). A failure is reported for the first failing file in sorted order,
 * as a sequential load would.
 */
export async function loadProtocolFiles(root: string, files: readonly string[], options: LoadOptions = {}): Promise<LoadedProtocolFile[]> {
  const observer = options.observer
  const loadOne = async (file: string): Promise<LoadedProtocolFile> => {
    const loaded = await loadProtocolFile(root, file)
    await observer?.loaded(file)
    return loaded
  }
  if (options.oneAtATime) {
    const loaded: LoadedProtocolFile[] = []
    for (const file of files) {
      observer?.loading(file)
      loaded.push(await loadOne(file))
    }
    await observer?.allLoaded?.()
    return loaded
  }
  for (const file of files) observer?.loading(file)
  const settled = await Promise.allSettled(files.map(loadOne))
  const failure = settled.find((result) => result.status === 'rejected')
  if (failure) throw failure.reason
  await observer?.allLoaded?.()
  return settled.map((result) => (result as PromiseFulfilledResult<LoadedProtocolFile>).value)
}

export async function loadProtocolFile(root: string, file: string): Promise<LoadedProtocolFile> {
  const absolute = path.join(root, file)
  try {
    const exports = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>
    return { path: file, exports }
  } catch (error) {
    throw safeLoadError(error, root, file)
  }
}

/** Reading what was thrown may throw again (a hostile getter): then the error says only that. */
function safeLoadError(error: unknown, root: string, file: string): GeneratorError {
  try {
    return loadError(error, root, file)
  } catch {
    return new GeneratorError(
      'loading this protocol file threw a value that cannot be read. A protocol file should only declare protocols; fix the failing code and run colloquy generate again.',
      { file },
    )
  }
}

function loadError(error: unknown, root: string, file: string): GeneratorError {
  const absolute = path.join(root, file)
  const message = thrownMessage(error)
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
