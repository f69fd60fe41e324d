/**
 * Protocol files are code, and the generator runs them in a child process with a time limit: whatever a
 * file does while it loads ends as a one-paragraph error naming the file, with exit code 3. Each hostile
 * file sits among the repository's own protocols, which load at the same time.
 */
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TempProject, repoRoot, tempProject } from '../support/temp-project.js'

const bin = path.join(repoRoot, 'bin', 'colloquy.js')
const file = 'protocols/hostile.protocol.ts'
const validProtocol = `import { z } from 'zod'
import { protocol } from '../runtime/protocol/index.js'
export const Hostile = protocol('Hostile', { version: 1, initiator: 'A', responder: 'B' }).send('x', z.string()).end()
`

describe('a protocol file that misbehaves while it loads', () => {
  let project: TempProject
  const run = (...args: string[]) => {
    const started = performance.now()
    const result = spawnSync(process.execPath, [bin, ...args, '--runtime', './runtime/protocol/index.ts'], {
      cwd: project.root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, COLLOQUY_LOAD_TIMEOUT: '3' },
    })
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: performance.now() - started }
  }
  /** Exit code 3 and one line `protocols/hostile.protocol.ts:L:C: error: ...` with no stack trace. */
  const expectOneParagraph = (result: ReturnType<typeof run>, text: string | RegExp): void => {
    expect(result.status, result.stderr).toBe(3)
    const lines = result.stderr.trim().split('\n')
    expect(lines, result.stderr).toHaveLength(1)
    expect(lines[0]).toMatch(/^protocols\/hostile\.protocol\.ts:\d+:\d+: error: /)
    expect(lines[0]).toMatch(text)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  }

  beforeAll(() => {
    project = tempProject()
  })
  afterAll(() => project.dispose())

  it('loops forever: stopped after the load timeout', () => {
    project.write(file, `${validProtocol}while (true) {}\n`)
    const result = run('generate')
    expectOneParagraph(result, /did not finish loading within 3 s: it loops, or awaits something that never settles/)
    expect(result.ms).toBeLessThan(45_000)
  })

  it('never settles a top-level await', () => {
    project.write(file, `${validProtocol}await new Promise(() => {})\n`)
    expectOneParagraph(run('generate'), /never finished loading: its top-level await never settles/)
  })

  it('leaves a timer running', () => {
    project.write(file, `${validProtocol}setInterval(() => {}, 60_000)\n`)
    expectOneParagraph(run('generate'), /leaves Timeout running after it loads/)
  })

  it('leaves a server running', () => {
    project.write(file, `import { createServer } from 'node:net'\n${validProtocol}createServer().listen(0, '127.0.0.1')\n`)
    expectOneParagraph(run('generate'), /leaves TCPServerWrap running after it loads/)
  })

  it('calls process.exit(n): exit code 3, not n', () => {
    project.write(file, `${validProtocol}process.exit(7)\n`)
    expectOneParagraph(run('generate'), /ended the process with exit code 7/)
  })

  it('throws something that is not an Error', () => {
    project.write(file, `${validProtocol}throw 42\n`)
    expectOneParagraph(run('generate'), /loading this protocol file threw a value: 42/)
  })

  it('throws a value that cannot even be printed', () => {
    project.write(file, `${validProtocol}throw { toString() { throw new Error('no') } }\n`)
    expectOneParagraph(run('generate'), /threw a value/)
  })

  it('throws from a timer callback after it loaded', () => {
    project.write(file, `${validProtocol}setTimeout(() => { throw new Error('later') }, 0)\n`)
    expectOneParagraph(run('generate'), /this protocol file threw Error: later from a callback or an unawaited promise while it loaded/)
  })

  it('exports a value with a throwing getter', () => {
    project.write(file, `${validProtocol}export const Trap = { get kind() { throw new Error('boom') } }\n`)
    expectOneParagraph(run('generate'), /reading the export Trap threw Error: boom/)
  })

  it('fails the same way under check, lock and versions', () => {
    project.write(file, `${validProtocol}process.exit(9)\n`)
    for (const command of ['lock', 'versions']) expectOneParagraph(run(command), /ended the process with exit code 9/)
    rmSync(path.join(project.root, 'generated'), { recursive: true, force: true })
    const check = run('check')
    expect(check.status).toBe(3)
    expect(check.stderr).toContain('protocols/hostile.protocol.ts:1:1: error: loading this protocol file ended the process with exit code 9')
  })

  it('prints: its output goes to stderr, so --format json stays valid on stdout', () => {
    project.write(file, `${validProtocol}console.log('hello from a protocol file')\nconsole.error('and its stderr')\n`)
    const result = run('versions', '--format', 'json')
    expect(result.status, result.stderr).toBe(0)
    expect(() => JSON.parse(result.stdout)).not.toThrow()
    expect(result.stdout).not.toContain('hello')
    expect(result.stderr).toContain('hello from a protocol file')
    expect(result.stderr).toContain('and its stderr')
  })
})
