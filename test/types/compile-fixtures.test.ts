/**
 * Compile-time protocol safety: type-checks every fixture under test/types/fixtures with the repository's
 * compiler options, in one Program (one parse and bind of generated/ and runtime/ for all fixtures). The
 * protocols of test/types/protocols are generated first, into test/types/fixtures/generated.
 *
 * - pass/*.ts must have no diagnostics at all.
 * - fail/*.ts declare what they expect in comments, one line per expected diagnostic:
 *     // expect-error TS2339: Property 'receive' does not exist on type 'DemoV1Alice_SendAmount'
 *   and mark the line each diagnostic starts on with a trailing `// @error-here`. The fixture must produce
 *   exactly those diagnostics (code, a substring of the message as tsc prints it, a marked line) and no other.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { beforeAll, describe, expect, it } from 'vitest'
import { generateTestProtocols } from './support/test-protocols.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const fixturesDir = path.join(root, 'test/types/fixtures')

/** The cases the protocol-safety contract promises to reject; each must keep a fixture. */
const requiredFailCases = [
  'send-where-receive',
  'receive-where-send',
  'wrong-payload-type',
  'returns-before-end',
  'unhandled-offer-branch',
  'missing-version-handler',
  'unknown-choice-label',
  'other-version-completion',
  'other-protocol-state',
  'continue-unknown-loop',
  'other-session-completion',
  'other-session-state',
  'inline-run-twice',
  'other-version-error',
  'other-version-error-details',
  'only-untyped',
  'only-type-argument',
  'extra-version-handler',
  'payload-names-step',
]

interface Expectation {
  readonly code: number
  readonly substring: string
  /** Line of the `expect-error` comment, for messages. */
  readonly declaredAt: number
}

interface Fixture {
  readonly name: string
  readonly file: string
  readonly text: string
  readonly expectations: readonly Expectation[]
  /** 1-based lines carrying `// @error-here`. */
  readonly markers: ReadonlySet<number>
}

interface Found {
  readonly line: number
  readonly code: number
  readonly message: string
}

const expectLine = /^\s*\/\/\s*expect-error\s+TS(\d+):\s*(.*?)\s*$/
const marker = /\/\/\s*@error-here\b/

function loadFixtures(kind: 'pass' | 'fail'): Fixture[] {
  const dir = path.join(fixturesDir, kind)
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => {
      const file = path.join(dir, f)
      const text = readFileSync(file, 'utf8')
      const expectations: Expectation[] = []
      const markers = new Set<number>()
      text.split('\n').forEach((line, index) => {
        const m = expectLine.exec(line)
        if (m) expectations.push({ code: Number(m[1]), substring: m[2]!, declaredAt: index + 1 })
        else if (marker.test(line)) markers.add(index + 1)
      })
      return { name: f.replace(/\.ts$/, ''), file, text, expectations, markers }
    })
}

const passFixtures = loadFixtures('pass')
const failFixtures = loadFixtures('fail')

function compilerOptions(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`)
      },
    },
  )
  if (!parsed) throw new Error('tsconfig.json could not be read')
  return { ...parsed.options, noEmit: true }
}

let program: ts.Program
let testModules: string[]

beforeAll(async () => {
  testModules = await generateTestProtocols(root)
  program = ts.createProgram({ rootNames: [...passFixtures, ...failFixtures].map((f) => f.file), options: compilerOptions() })
})

function diagnosticsOf(fixture: Fixture): Found[] {
  const source = program.getSourceFile(fixture.file)
  if (!source) throw new Error(`${fixture.file} is not part of the program`)
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => ({
    line: d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1,
    code: d.code,
    message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }))
}

const relative = (file: string) => path.relative(root, file)

function describeFound(fixture: Fixture, found: readonly Found[]): string {
  if (found.length === 0) return '  (no diagnostics)'
  return found.map((d) => `  ${relative(fixture.file)}:${d.line}: TS${d.code} ${d.message.replace(/\n/g, '\n      ')}`).join('\n')
}

/**
 * Pairs each expectation with a distinct diagnostic of its code, containing its substring, on a marked
 * line. Returns what does not hold, as sentences; empty when the fixture behaves as declared.
 */
function checkFailFixture(fixture: Fixture, found: readonly Found[]): string[] {
  const problems: string[] = []
  if (fixture.expectations.length === 0) problems.push('declares no `// expect-error TSxxxx: <substring>` line')
  if (fixture.markers.size === 0) problems.push('marks no line with `// @error-here`')
  const unmatched = [...found]
  for (const e of fixture.expectations) {
    const index = unmatched.findIndex((d) => d.code === e.code && d.message.includes(e.substring) && fixture.markers.has(d.line))
    if (index >= 0) unmatched.splice(index, 1)
    else {
      const markedLines = [...fixture.markers].join(', ') || 'none'
      problems.push(`expected TS${e.code} containing "${e.substring}" (declared on line ${e.declaredAt}) on a marked line (${markedLines}), not reported`)
    }
  }
  for (const d of unmatched) problems.push(`unexpected diagnostic at line ${d.line}: TS${d.code} ${d.message.split('\n')[0]}`)
  for (const line of fixture.markers) {
    if (!found.some((d) => d.line === line)) problems.push(`line ${line} is marked @error-here but has no diagnostic`)
  }
  return problems
}

describe('compile-time protocol safety fixtures', () => {
  it('type-checks with the repository options and no global diagnostics', () => {
    const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]
    expect(global.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([])
    expect(program.getCompilerOptions().strict).toBe(true)
  })

  it('has a compile-pass fixture importing every generated protocol module', () => {
    const modules = readdirSync(path.join(root, 'generated'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
    const missing = modules.filter((m) => !passFixtures.some((f) => f.text.includes(`generated/${m}.js'`)))
    expect(missing, `generated modules without a pass fixture under test/types/fixtures/pass: ${missing.join(', ')}`).toEqual([])
  })

  it('has pass and fail fixtures importing every protocol of test/types/protocols', () => {
    const imports = (f: Fixture, m: string) => f.text.includes(`generated/${path.basename(m, '.ts')}.js'`)
    expect(testModules.length).toBeGreaterThanOrEqual(3)
    const noPass = testModules.filter((m) => !passFixtures.some((f) => imports(f, m)))
    const noFail = testModules.filter((m) => !failFixtures.some((f) => imports(f, m)))
    expect({ noPass, noFail }).toEqual({ noPass: [], noFail: [] })
  })

  it('keeps a compile-fail fixture for every required case', () => {
    const missing = requiredFailCases.filter((c) => !failFixtures.some((f) => f.name === c))
    expect(missing, `missing fixtures in test/types/fixtures/fail: ${missing.join(', ')}`).toEqual([])
  })

  describe('pass', () => {
    it.each(passFixtures.map((f) => [f.name, f] as const))('%s compiles with no diagnostics', (_name, fixture) => {
      expect(fixture.expectations, `${relative(fixture.file)} is a pass fixture but declares expect-error lines`).toEqual([])
      const found = diagnosticsOf(fixture)
      if (found.length > 0) throw new Error(`${relative(fixture.file)} should compile, but tsc reports:\n${describeFound(fixture, found)}`)
    })
  })

  // A state from the wrong step, role, version or protocol: short errors that name both places at once.
  it('reports a state of the wrong place in at most 5 lines, naming both states in the first two', () => {
    const fixture = failFixtures.find((f) => f.name === 'wrong-place-state')!
    const found = diagnosticsOf(fixture)
    expect(found.length).toBe(fixture.expectations.length)
    for (const d of found) {
      const lines = d.message.split('\n')
      expect(lines.length, d.message).toBeLessThanOrEqual(5)
      expect(
        fixture.expectations.some((e) => lines.slice(0, 2).join('\n').includes(e.substring)),
        d.message,
      ).toBe(true)
    }
  })

  // An object literal with a wrong field: the error names the step in its first line, not only the field.
  it('reports a wrong field of a payload naming its step in the first line', () => {
    const fixture = failFixtures.find((f) => f.name === 'payload-names-step')!
    const found = diagnosticsOf(fixture)
    expect(found.length).toBe(fixture.expectations.length)
    for (const d of found) expect(d.message.split('\n')[0], d.message).toMatch(/"(Demo|PayloadKinds) v1 (Bob|Writer) step \d+ of \d+: send \w+"/)
  })

  describe('fail', () => {
    it.each(failFixtures.map((f) => [f.name, f] as const))('%s fails with exactly the declared errors', (_name, fixture) => {
      const found = diagnosticsOf(fixture)
      const problems = checkFailFixture(fixture, found)
      if (problems.length > 0) {
        throw new Error(`${relative(fixture.file)}:\n${problems.map((p) => `  - ${p}`).join('\n')}\ntsc reports:\n${describeFound(fixture, found)}`)
      }
    })
  })
})
