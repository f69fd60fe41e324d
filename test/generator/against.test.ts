import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TempProject, tempProject } from './support/temp-project.js'

const demoFile = 'protocols/demo.protocol.ts'
/** A finding compared with a git revision: `path:line:col: RULE: message. Remedy. (at REF: path:line:col)`. */
const findingAt = (ref: string): RegExp =>
  new RegExp(`^(protocols/[\\w.-]+):(\\d+):(\\d+): ([A-Z][A-Z_]+): (.+) \\(at ${ref.replace(/[~^]/g, '\\$&')}: (protocols/[\\w.-]+):(\\d+):(\\d+)\\)$`, 'm')

describe('colloquy check --against <git-ref>', () => {
  let project: TempProject
  let demoSource: string
  const git = (...args: string[]): string => {
    const result = spawnSync('git', args, { cwd: project.root, encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`)
    return result.stdout
  }
  const materialised = (): string[] => readdirSync(os.tmpdir()).filter((name) => name.startsWith('colloquy-against-'))

  beforeAll(() => {
    project = tempProject()
    demoSource = readFileSync(path.join(project.root, demoFile), 'utf8')
    project.write('.gitignore', 'node_modules\n')
    expect(project.cli('generate').status).toBe(0)
    git('init', '--quiet', '--initial-branch=main')
    git('add', '.')
    git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-m', 'protocols as released')
  })
  afterAll(() => project.dispose())

  it('passes when the protocols match the revision, and cleans up the revision tree', () => {
    const before = materialised()
    const check = project.cli('check', '--against', 'HEAD')
    expect(check.stderr).toBe('')
    expect(check.status).toBe(0)
    expect(check.stdout).toContain('8 protocol versions unchanged since HEAD')
    expect(materialised()).toEqual(before)
  })

  it('reports a changed step with the current location and the location at the revision', () => {
    project.write(demoFile, demoSource.replace(".send('amount', z.number().int())", ".send('amount', z.string())"))
    try {
      const check = project.cli('check', '--against', 'HEAD')
      expect(check.status).toBe(5)
      const match = findingAt('HEAD').exec(check.stderr)
      expect(match, check.stderr).not.toBeNull()
      expect(match![1]).toBe(demoFile)
      expect(match![6]).toBe(demoFile)
      expect(demoSource.split('\n')[Number(match![7]) - 1]).toContain(".send('amount', z.number().int())")
      expect(match![5]).toContain('Demo v1')
      expect(check.stderr).toContain('compared with HEAD')

      const json = JSON.parse(project.cli('check', '--against', 'HEAD', '--format', 'json').stdout) as {
        ok: boolean
        against: string
        findings: { rule: string; locked: { file: string } }[]
      }
      expect(json.ok).toBe(false)
      expect(json.against).toBe('HEAD')
      expect(json.findings[0]!.rule).toBe(match![4])
      expect(json.findings[0]!.locked.file).toBe(demoFile)

      // Committed, the change is judged against the revision before it.
      git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-am', 'change Demo v1')
      expect(project.cli('check', '--against', 'HEAD~1').stderr).toMatch(findingAt('HEAD~1'))
      expect(project.cli('check', '--against', 'HEAD').stdout).toContain('unchanged since HEAD')
    } finally {
      project.write(demoFile, demoSource)
      git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-am', 'restore Demo v1')
    }
  })

  it('reports a version declared at the revision but not in the tree as removed', () => {
    const echo = path.join(project.root, 'protocols/echo.protocol.ts')
    const source = readFileSync(echo, 'utf8')
    rmSync(echo)
    try {
      const check = project.cli('check', '--against', 'main')
      expect(check.status).toBe(5)
      expect(check.stderr).toMatch(/^protocols\/echo\.protocol\.ts:\d+:\d+: LOCKED_VERSION_REMOVED: Echo v1 was declared at main but is no longer declared/m)
    } finally {
      project.write('protocols/echo.protocol.ts', source)
    }
  })

  it('names an unknown ref as a usage error', () => {
    const check = project.cli('check', '--against', 'no-such-branch')
    expect(check.status).toBe(2)
    expect(check.stderr).toContain("unknown git ref 'no-such-branch'")
  })
})
