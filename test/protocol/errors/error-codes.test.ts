/**
 * The README's error table is the list of codes programs match on: it must name every error class the
 * project defines, with the code the class really has and the exit code the CLI really uses. The classes are
 * found by importing every module of runtime/ and generator/ and keeping the exported ColloquyError
 * subclasses; a source scan makes sure no error class escapes that (unexported, or not a ColloquyError) and
 * that nothing throws a bare Error.
 */
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { ColloquyError } from '../../../runtime/protocol/errors/colloquy-error.js'
import { exitCodeByErrorCode, exitCodeOf, exitCodes } from '../../../runtime/protocol/errors/exit-codes.js'

const repository = path.resolve(import.meta.dirname, '..', '..', '..')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : []
  })
}

const sources = [...sourceFiles(path.join(repository, 'runtime')), ...sourceFiles(path.join(repository, 'generator'))]

type ErrorClass = abstract new (...args: never[]) => ColloquyError

/** Constructors differ (a message, or the data the message is built from); these argument lists cover them all. */
const sampleArguments: readonly unknown[][] = [
  ['message', {}],
  ['message', []],
]

function codeOf(errorClass: ErrorClass): string {
  for (const args of sampleArguments) {
    try {
      return (Reflect.construct(errorClass, args) as ColloquyError).code
    } catch {
      // try the next argument list
    }
  }
  throw new Error(`${errorClass.name} cannot be built from any sample argument list; add its constructor's arguments to sampleArguments`)
}

interface Row {
  readonly code: string
  readonly className: string
  readonly exit: number
}

function readmeRows(): Row[] {
  const readme = readFileSync(path.join(repository, 'README.md'), 'utf8')
  const start = readme.indexOf('\n## Errors\n')
  expect(start, 'README has an "## Errors" section').toBeGreaterThan(0)
  const section = readme.slice(start + 1, readme.indexOf('\n## ', start + 1))
  return [...section.matchAll(/^\| `([^`]+)` \| `([^`]+)` \| .+ \| (\d+) \|$/gm)].map((m) => ({ code: m[1]!, className: m[2]!, exit: Number(m[3]) }))
}

describe('error codes', () => {
  const classes = new Map<string, ErrorClass>()

  beforeAll(async () => {
    for (const file of sources) {
      const exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>
      for (const value of Object.values(exports)) {
        if (typeof value === 'function' && value.prototype instanceof ColloquyError) classes.set(value.name, value as ErrorClass)
      }
    }
  }, 120_000)

  it('every error class is an exported ColloquyError subclass', () => {
    const declared = sources.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bclass (\w+(?:Error|Exception))\b/g)].map((m) => m[1]!))
    expect(declared.length).toBeGreaterThan(20)
    expect(declared.filter((name) => name !== 'ColloquyError' && !classes.has(name))).toEqual([])
  })

  it('nothing throws a bare Error, TypeError or RangeError', () => {
    const bare = sources.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/\bnew (Error|TypeError|RangeError)\(/.test(line) ? [`${path.relative(repository, file)}:${i + 1}: ${line.trim()}`] : [])),
    )
    expect(bare).toEqual([])
  })

  it('codes are UPPER_SNAKE and unique', () => {
    const byCode = new Map<string, string[]>()
    for (const [name, errorClass] of classes) {
      const code = codeOf(errorClass)
      expect(code, name).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/)
      byCode.set(code, [...(byCode.get(code) ?? []), name])
    }
    expect([...byCode].filter(([, names]) => names.length > 1)).toEqual([])
  })

  it('the README table lists every code with its class and the exit code the CLI uses', () => {
    const rows = readmeRows()
    const actual = [...classes].map(
      ([className, errorClass]): Row => ({ code: codeOf(errorClass), className, exit: exitCodeByErrorCode[codeOf(errorClass)] ?? -1 }),
    )
    const byCode = (a: Row, b: Row) => (a.code < b.code ? -1 : 1)
    expect([...rows].sort(byCode)).toEqual([...actual].sort(byCode))
    expect(new Set(rows.map((r) => r.code)).size).toBe(rows.length)
  })

  it('the exit-code table has exactly the codes of the error classes', () => {
    const codes = [...classes.values()].map(codeOf).sort()
    expect(Object.keys(exitCodeByErrorCode).sort()).toEqual(codes)
  })

  it('maps an error to its exit code by code, whatever its class, and anything else to the fallback', () => {
    const foreign = Object.assign(new Error('from another copy of the package'), { code: 'NODE_CONFIG', location: null })
    expect(exitCodeOf(foreign, exitCodes.failed)).toBe(exitCodes.usage)
    expect(exitCodeOf(new Error('plain'), exitCodes.internal)).toBe(exitCodes.internal)
    expect(exitCodeOf(Object.assign(new Error('errno'), { code: 'ENOENT' }), exitCodes.internal)).toBe(exitCodes.internal)
  })
})
