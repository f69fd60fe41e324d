import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TempProject, repoRoot, tempProject } from './support/temp-project.js'

const lockfile = 'protocols/colloquy.lock.json'
const demoFile = 'protocols/demo.protocol.ts'
/** Every version the repository's protocols declare. */
const declaredVersions = [
  'CollectSignatures v1',
  'Demo v1',
  'Demo v2',
  'Echo v1',
  'IssueRequest v1',
  'PayloadKinds v1',
  'PriceNegotiation v1',
  'TwoPartyTrade v1',
]

/** `path:line:col: RULE: message. Remedy. (locked at path:line:col)`, capturing the rule and both places. */
const findingLine = /^(protocols\/[\w.-]+):(\d+):(\d+): ([A-Z][A-Z_]+): (.+) \(locked at (protocols\/[\w.-]+):(\d+):(\d+)\)$/m

describe('colloquy lock and the lockfile check', () => {
  let project: TempProject
  let demoSource: string
  const read = (file: string): string => readFileSync(path.join(project.root, file), 'utf8')
  const lockJson = (): {
    lockfileVersion: number
    protocols: Record<string, Record<string, { hash: string; ir: { name: string }; locations: Record<string, { file: string; line: number }> }>>
  } => JSON.parse(read(lockfile))
  /** Demo v1's first message changed from an integer to a string: a change to a released step. */
  const editDemoV1 = (): void => project.write(demoFile, demoSource.replace(".send('amount', z.number().int())", ".send('amount', z.string())"))

  beforeAll(() => {
    project = tempProject()
    rmSync(path.join(project.root, lockfile), { force: true })
    demoSource = read(demoFile)
    expect(project.cli('generate').status).toBe(0)
  })
  afterAll(() => project.dispose())

  it('check without a lockfile passes and suggests colloquy lock', () => {
    const check = project.cli('check')
    expect(check.stderr).toBe('')
    expect(check.status).toBe(0)
    expect(check.stdout).toContain(`note: no ${lockfile} yet: run \`colloquy lock\``)
  })

  it('lock records every declared version with IR, hash and step locations, deterministically', () => {
    const first = project.cli('lock')
    expect(first.stderr).toBe('')
    expect(first.status).toBe(0)
    for (const v of declaredVersions) expect(first.stdout).toContain(`added ${v}\n`)
    expect(first.stdout).toContain(`colloquy lock: wrote ${lockfile} (8 added, 0 kept, 0 replaced, 0 removed)`)
    const text = read(lockfile)
    const lock = lockJson()
    expect(lock.lockfileVersion).toBe(1)
    expect(Object.keys(lock.protocols)).toEqual(['CollectSignatures', 'Demo', 'Echo', 'IssueRequest', 'PayloadKinds', 'PriceNegotiation', 'TwoPartyTrade'])
    expect(Object.keys(lock.protocols.Demo!)).toEqual(['1', '2'])
    const demo1 = lock.protocols.Demo!['1']!
    expect(demo1.hash).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(demo1.ir.name).toBe('Demo')
    expect(demo1.locations.protocol!.file).toBe(demoFile)
    expect(text.endsWith('}\n')).toBe(true)
    expect(text.split('\n')[1]).toBe('  "lockfileVersion": 1,')

    rmSync(path.join(project.root, lockfile))
    expect(project.cli('lock').status).toBe(0)
    expect(read(lockfile)).toBe(text)
    const again = project.cli('lock')
    expect(again.stdout).toContain(`colloquy lock: ${lockfile} is up to date (0 added, 8 kept, 0 replaced, 0 removed)`)
    expect(again.stdout).toContain('kept Demo v1\n')
    expect(read(lockfile)).toBe(text)
  })

  it('check passes on the unchanged tree without loading a protocol', () => {
    const check = project.cli('check')
    expect(check.stderr).toBe('')
    expect(check.status).toBe(0)
    expect(check.stdout).toContain(`generated/ is up to date; 8 locked protocol versions unchanged since ${lockfile}`)
    const json = JSON.parse(project.cli('check', '--format', 'json').stdout) as { ok: boolean; findings: unknown[]; loadedProtocols: boolean }
    expect(json).toMatchObject({ ok: true, findings: [], loadedProtocols: false })
  })

  it('check fails with the rule id and both locations when a step of a locked version changes; lock refuses', () => {
    editDemoV1()
    const lockBefore = read(lockfile)
    try {
      const check = project.cli('check')
      expect(check.status).toBe(5)
      const match = findingLine.exec(check.stderr)
      expect(match, check.stderr).not.toBeNull()
      const [, currentFile, currentLine, , rule, text, lockedFile, lockedLine] = match!
      expect(currentFile).toBe(demoFile)
      expect(lockedFile).toBe(demoFile)
      // The step is on the line that now sends a string, and it was on the same line when locked.
      expect(demoSource.split('\n')[Number(lockedLine) - 1]).toContain(".send('amount', z.number().int())")
      expect(read(demoFile).split('\n')[Number(currentLine) - 1]).toContain(".send('amount', z.string())")
      expect(rule).not.toBe('LOCKED_VERSION_REMOVED')
      expect(text).toContain('Demo v1')
      expect(check.stderr).toMatch(/colloquy check: \d+ incompatible changes? to released version Demo v1 compared with protocols\/colloquy\.lock\.json/)
      // generated/ is stale too (the protocol file changed), but the incompatible change decides the exit code.
      expect(check.stderr).toContain('changed since its code was generated')

      const json = JSON.parse(project.cli('check', '--format', 'json').stdout) as {
        ok: boolean
        findings: { rule: string; message: string; remedy: string; current: { file: string; line: number }; locked: { file: string; line: number } }[]
      }
      expect(json.ok).toBe(false)
      expect(json.findings[0]).toMatchObject({
        rule,
        current: { file: demoFile, line: Number(currentLine) },
        locked: { file: demoFile, line: Number(lockedLine) },
      })
      expect(json.findings[0]!.remedy.length).toBeGreaterThan(10)

      const lock = project.cli('lock')
      expect(lock.status).toBe(5)
      expect(lock.stderr).toMatch(findingLine)
      expect(lock.stderr).toContain(`Demo v1 changed since it was locked, so ${lockfile} was not written`)
      expect(lock.stdout).toBe('')
      expect(read(lockfile)).toBe(lockBefore)
    } finally {
      project.write(demoFile, demoSource)
    }
  })

  it('a new version number with the old declaration kept passes, with a note until it is locked', () => {
    const v3 = `${demoSource}
export const DemoV3 = protocol('Demo', { version: 3, initiator: 'Alice', responder: 'Bob' })
  .send('amount', z.string())
  .receive('greeting', z.string())
  .end()
`
    project.write(demoFile, v3)
    try {
      expect(project.cli('generate').status).toBe(0)
      const check = project.cli('check')
      expect(check.stderr).toBe('')
      expect(check.status).toBe(0)
      expect(check.stdout).toContain(`note: Demo v3 (${demoFile}) is not locked yet: run \`colloquy lock\` when you release it.`)
      const lock = project.cli('lock')
      expect(lock.status).toBe(0)
      expect(lock.stdout).toContain('added Demo v3\n')
      expect(lock.stdout).toContain('(1 added, 8 kept, 0 replaced, 0 removed)')
      expect(Object.keys(lockJson().protocols.Demo!)).toEqual(['1', '2', '3'])
      expect(project.cli('check').stdout).not.toContain('note:')
    } finally {
      project.write(demoFile, demoSource)
      expect(project.cli('generate').status).toBe(0)
    }
  })

  it('a locked version no longer declared fails check; lock keeps it, --prune removes it', () => {
    // After the previous test Demo v3 is locked but no longer declared.
    const check = project.cli('check')
    expect(check.status).toBe(5)
    const match = findingLine.exec(check.stderr)
    expect(match, check.stderr).not.toBeNull()
    expect(match![4]).toBe('LOCKED_VERSION_REMOVED')
    expect(match![5]).toContain('Demo v3 was locked in protocols/colloquy.lock.json but is no longer declared')
    expect(check.stderr).toContain('colloquy lock --prune')

    const keep = project.cli('lock')
    expect(keep.status).toBe(0)
    expect(keep.stdout).toContain('kept Demo v3, no longer declared')
    expect(Object.keys(lockJson().protocols.Demo!)).toEqual(['1', '2', '3'])

    expect(project.cli('lock', '--force').stdout).not.toContain('removed Demo v3')
    const prune = project.cli('lock', '--prune')
    expect(prune.status).toBe(0)
    expect(prune.stdout).toContain('removed Demo v3 (--prune: no longer declared)')
    expect(prune.stdout).toContain('(0 added, 8 kept, 0 replaced, 1 removed)')
    expect(Object.keys(lockJson().protocols.Demo!)).toEqual(['1', '2'])
    expect(project.cli('check').status).toBe(0)
  })

  it('lock --force overwrites a changed locked version and says so', () => {
    const before = lockJson().protocols.Demo!['1']!.hash
    editDemoV1()
    try {
      const forced = project.cli('lock', '--force')
      expect(forced.stderr).toBe('')
      expect(forced.status).toBe(0)
      expect(forced.stdout).toContain('replaced Demo v1 (--force)')
      expect(forced.stdout).toContain('(0 added, 7 kept, 1 replaced, 0 removed)')
      expect(lockJson().protocols.Demo!['1']!.hash).not.toBe(before)
    } finally {
      project.write(demoFile, demoSource)
      expect(project.cli('lock', '--force').status).toBe(0)
    }
    expect(lockJson().protocols.Demo!['1']!.hash).toBe(before)
  })

  it('the no-op check answers from hashes: a protocol file that throws when loaded is never loaded', () => {
    const guarded = `import { existsSync } from 'node:fs'\nif (existsSync(new URL('./explode', import.meta.url))) throw new Error('demo.protocol.ts was loaded')\n${demoSource}`
    project.write(demoFile, guarded)
    try {
      expect(project.cli('generate').status).toBe(0)
      expect(project.cli('lock').status).toBe(0)
      writeFileSync(path.join(project.root, 'protocols/explode'), '')
      const check = project.cli('check')
      expect(check.stderr).toBe('')
      expect(check.status).toBe(0)
      // A lockfile that disagrees with the manifest makes check load the protocols: the guard fires.
      const text = read(lockfile)
      const lock = lockJson()
      lock.protocols.Demo!['1']!.hash = `sha256:${'0'.repeat(64)}`
      project.write(lockfile, JSON.stringify(lock, null, 2))
      const slow = project.cli('check')
      expect(slow.status).toBe(3)
      expect(slow.stderr).toContain('demo.protocol.ts was loaded')
      project.write(lockfile, text)
    } finally {
      rmSync(path.join(project.root, 'protocols/explode'), { force: true })
      project.write(demoFile, demoSource)
      expect(project.cli('generate').status).toBe(0)
      expect(project.cli('lock', '--force').status).toBe(0)
    }
  })

  it('reports a malformed lockfile, and usage errors for misplaced options', () => {
    const text = read(lockfile)
    project.write(lockfile, '{ "protocols": 1 }')
    const check = project.cli('check')
    expect(check.status).toBe(3)
    expect(check.stderr).toContain(`${lockfile}:1:1: error: ${lockfile} is not a colloquy lockfile`)
    project.write(lockfile, text)
    expect(project.cli('check', '--force').stderr).toContain('--force only applies to lock')
    expect(project.cli('generate', '--against', 'HEAD').status).toBe(2)
    expect(existsSync(path.join(project.root, lockfile))).toBe(true)
  })
})

describe('the CLI reference', () => {
  it('README shows exactly the help text colloquy prints', async () => {
    const { helpText } = await import('../../generator/cli/help-text.js')
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
    expect(readme).toContain(`## CLI reference\n\n\`\`\`\n${helpText}\`\`\``)
  })
})
