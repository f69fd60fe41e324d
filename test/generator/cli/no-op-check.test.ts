/**
 * `colloquy check` with nothing changed is answered by generator/cli/no-op-check.js before the TypeScript
 * loader, ts-morph or any protocol is loaded, and says exactly what the full command line says.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CliResult, type TempProject, repoRoot, runCli, tempProject } from '../support/temp-project.js'

const bin = path.join(repoRoot, 'bin', 'colloquy.js')
const preload = path.join(repoRoot, 'test', 'xproc', 'support', 'record-loads.mjs')
const tooling = /\/node_modules\/(tsx|ts-morph|@ts-morph|typescript)\//
const records = mkdtempSync(path.join(os.tmpdir(), 'colloquy-no-op-loads-'))
let recordCount = 0

/** The command, with every module it resolves or requires recorded. */
function recordedCheck(cwd: string, args: readonly string[]): CliResult & { readonly loads: string[] } {
  const record = path.join(records, `loads-${++recordCount}.txt`)
  const run = spawnSync(process.execPath, ['--import', preload, bin, ...args], {
    cwd,
    env: { ...process.env, COLLOQUY_RECORD_LOADS: record },
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, loads: readFileSync(record, 'utf8').split('\n').filter(Boolean) }
}

/** The full command line (generator/cli/main.ts under tsx), bypassing the no-op answer. */
function fullCheck(cwd: string, args: readonly string[]): CliResult {
  const script = `import { main } from ${JSON.stringify(path.join(repoRoot, 'generator/cli/main.ts'))}; process.exitCode = await main(process.argv.slice(1))`
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], { cwd, encoding: 'utf8', timeout: 60_000 })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

const withoutTime = (text: string): string => text.replace(/\(\d+ ms\)/g, '(N ms)')

describe('colloquy check with nothing changed', () => {
  let project: TempProject
  const args = ['check', '--runtime', './runtime/protocol/index.ts']

  beforeAll(() => {
    project = tempProject()
    const generated = project.cli('generate')
    expect(generated.stderr).toBe('')
  })
  afterAll(() => {
    project.dispose()
    rmSync(records, { recursive: true, force: true })
  })

  it('loads neither tsx, ts-morph, typescript nor any TypeScript module', () => {
    const run = recordedCheck(project.root, args)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(
      /^colloquy check: generated\/ is up to date; \d+ locked protocol versions unchanged since protocols\/colloquy\.lock\.json \(\d+ ms\)\n$/,
    )
    // The record saw the no-op answer's own modules, so it would see the others too.
    expect(run.loads.some((url) => url.endsWith('/generator/cli/no-op-check.js'))).toBe(true)
    expect(run.loads.filter((entry) => tooling.test(entry) || /\.ts$/.test(entry))).toEqual([])
  })

  it('hands anything else to the full command line, which loads the TypeScript loader', () => {
    const run = recordedCheck(project.root, [...args, '--format', 'json'])
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, stale: [] })
    expect(run.loads.some((entry) => /\/node_modules\/tsx\//.test(entry))).toBe(true)
  })

  it('prints what the full command line prints, with and without unlocked versions or a lockfile', () => {
    const same = (): void => {
      const fast = recordedCheck(project.root, args)
      const full = fullCheck(project.root, args)
      expect(fast.loads.some((entry) => tooling.test(entry))).toBe(false)
      expect({ status: fast.status, stdout: withoutTime(fast.stdout), stderr: fast.stderr }).toEqual({
        status: full.status,
        stdout: withoutTime(full.stdout),
        stderr: full.stderr,
      })
    }
    same()
    const lockfile = path.join(project.root, 'protocols/colloquy.lock.json')
    const lock = JSON.parse(readFileSync(lockfile, 'utf8')) as { protocols: Record<string, unknown> }
    const [first] = Object.keys(lock.protocols)
    delete lock.protocols[first!]
    project.write('protocols/colloquy.lock.json', JSON.stringify(lock))
    same()
    expect(recordedCheck(project.root, args).stdout).toContain(`note: ${first} v1 (`)
    rmSync(lockfile)
    same()
    expect(recordedCheck(project.root, args).stdout).toContain('note: no protocols/colloquy.lock.json yet')
  })

  it('works from a subfolder of the project, as git and npm do', () => {
    const fromSubfolder = recordedCheck(path.join(project.root, 'protocols'), args)
    expect(fromSubfolder.stderr).toBe('')
    expect(fromSubfolder.stdout).toContain('colloquy check: generated/ is up to date')
    expect(fromSubfolder.loads.some((entry) => tooling.test(entry))).toBe(false)
    // The full command line finds the root the same way.
    const generate = runCli(path.join(project.root, 'protocols'), ['generate', '--runtime', './runtime/protocol/index.ts'])
    expect(generate.stderr).toBe('')
    expect(generate.stdout).toMatch(/colloquy generate: \d+ protocol files, 0 written/)
  })
})
