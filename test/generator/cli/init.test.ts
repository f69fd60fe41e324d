/** `colloquy init` in an empty folder and in an existing project: adds what is missing, never overwrites. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { repoRoot, runCli } from '../support/temp-project.js'

describe('colloquy init', () => {
  let dir: string
  const read = (file: string): string => readFileSync(path.join(dir, file), 'utf8')
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'colloquy-init-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('scaffolds an empty folder: example protocol, tsconfig fragment, package.json with scripts; the example generates', () => {
    const result = runCli(dir, ['init'])
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout.split('\n').slice(0, 4)).toEqual([
      'created protocols/greeting.protocol.ts',
      'created tsconfig.colloquy.json',
      'created tsconfig.json',
      'created package.json',
    ])
    const pkg = JSON.parse(read('package.json')) as { type: string; scripts: Record<string, string> }
    expect(pkg.type).toBe('module')
    expect(pkg.scripts).toEqual({
      'colloquy:generate': 'colloquy generate',
      'colloquy:watch': 'colloquy generate --watch',
      'colloquy:check': 'colloquy check',
    })
    expect(JSON.parse(read('tsconfig.json'))).toEqual({ extends: './tsconfig.colloquy.json' })
    expect(JSON.parse(read('tsconfig.colloquy.json'))).toMatchObject({
      compilerOptions: { module: 'NodeNext', strict: true },
      include: ['protocols', 'generated'],
    })

    // The example is a valid protocol: generate it against this repository's runtime.
    symlinkSync(path.join(repoRoot, 'runtime'), path.join(dir, 'runtime'))
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'))
    writeFileSync(
      path.join(dir, 'protocols/greeting.protocol.ts'),
      read('protocols/greeting.protocol.ts').replace("'colloquy/protocol'", "'../runtime/protocol/index.js'"),
    )
    const generate = runCli(dir, ['generate', '--runtime', './runtime/protocol/index.ts'])
    expect(generate.stderr).toBe('')
    expect(read('generated/greeting.ts')).toContain('GreetingV1Caller_SendName')
    // The example exports its protocol as Greeting, the name of the generated family object: it is imported
    // under an alias, and the module loads.
    expect(read('generated/greeting.ts')).toContain("import { Greeting as GreetingDefinition } from '../protocols/greeting.protocol.js'")
    const load = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', "const m = await import('./generated/greeting.ts'); console.log(typeof m.Greeting.initiate)"],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    )
    expect(load.stderr).toBe('')
    expect(load.stdout.trim()).toBe('function')
  })

  it('adds to an existing CommonJS project without overwriting, says what to set, and is idempotent', () => {
    const pkgText = `{\n    "name": "existing",\n    "scripts": { "test": "node test.js" }\n}\n`
    writeFileSync(path.join(dir, 'package.json'), pkgText)
    writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": { "strict": true } }\n')
    const result = runCli(dir, ['init'])
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('created protocols/greeting.protocol.ts')
    expect(result.stdout).toContain('updated package.json (scripts colloquy:generate, colloquy:watch, colloquy:check)')
    expect(result.stdout).toContain('note: tsconfig.json exists, so it was kept: add "extends": "./tsconfig.colloquy.json" to it')
    expect(result.stdout).toContain(
      'note: package.json does not declare "type": "module", and protocol files are ES modules: add "type": "module" to package.json.',
    )
    expect(read('tsconfig.json')).toBe('{ "compilerOptions": { "strict": true } }\n')
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> }
    expect(pkg.scripts.test).toBe('node test.js')
    expect(read('package.json')).toMatch(/^\{\n {4}"name": "existing"/)

    writeFileSync(path.join(dir, 'protocols/greeting.protocol.ts'), '// my own edit\n')
    const again = runCli(dir, ['init'])
    expect(again.status).toBe(0)
    expect(again.stdout).toContain('kept protocols/ (it already has protocol files)')
    expect(again.stdout).toContain('kept tsconfig.colloquy.json')
    expect(again.stdout).toContain('kept package.json (its scripts are there)')
    expect(read('protocols/greeting.protocol.ts')).toBe('// my own edit\n')
  })
})
