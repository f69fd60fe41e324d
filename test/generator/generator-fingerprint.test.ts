import { spawnSync } from 'node:child_process'
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generatorFingerprint } from '../../generator/input-fingerprint.js'
import { repoRoot } from './support/temp-project.js'

/** Files that only read protocols or generated code: editing them must not stale generated/. */
const notEmitInputs = [
  'generator/cli/main.ts',
  'generator/check-generated.js',
  'generator/lock/lockfile.ts',
  'generator/compat/rules.ts',
  'generator/versions/version-table.ts',
]
/** Files whose code decides what generate writes. */
const emitInputs = [
  'generator/emit/names.ts',
  'generator/emit/emit-protocol-module.ts',
  'generator/generate.ts',
  'generator/manifest.js',
  'runtime/protocol/ir/state-table.ts',
  'runtime/protocol/dsl/step-node.ts',
]

/** Appends a comment to a file, returning a function that puts the original back. */
function touch(root: string, relative: string): () => void {
  const file = path.join(root, relative)
  const original = readFileSync(file, 'utf8')
  appendFileSync(file, '\n// an edit\n')
  return () => writeFileSync(file, original)
}

describe('generatorFingerprint', () => {
  let copy: string

  beforeAll(() => {
    copy = mkdtempSync(path.join(os.tmpdir(), 'colloquy-fingerprint-'))
    cpSync(path.join(repoRoot, 'generator'), path.join(copy, 'generator'), { recursive: true })
    cpSync(path.join(repoRoot, 'runtime', 'protocol'), path.join(copy, 'runtime', 'protocol'), { recursive: true })
  })
  afterAll(() => rmSync(copy, { recursive: true, force: true }))

  const fingerprint = (): string => generatorFingerprint(path.join(copy, 'generator'))

  it('is the same for a copy in another folder', () => {
    expect(fingerprint()).toBe(generatorFingerprint(path.join(repoRoot, 'generator')))
  })

  it.each(notEmitInputs)('does not change when %s changes', (file) => {
    const before = fingerprint()
    const restore = touch(copy, file)
    try {
      expect(fingerprint()).toBe(before)
    } finally {
      restore()
    }
  })

  it.each(emitInputs)('changes when %s changes', (file) => {
    const before = fingerprint()
    const restore = touch(copy, file)
    try {
      expect(fingerprint()).not.toBe(before)
    } finally {
      restore()
    }
    expect(fingerprint()).toBe(before)
  })
})

describe('colloquy check after a generator edit', () => {
  // A copy of the toolkit (bin/ and generator/) that is also the project, so its CLI fingerprints the copy.
  let root: string
  const cli = (...args: string[]) => {
    const result = spawnSync(process.execPath, [path.join(root, 'bin', 'colloquy.js'), ...args, '--runtime', './runtime/protocol/index.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    })
    return { status: result.status, stdout: result.stdout, stderr: result.stderr }
  }

  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'colloquy-toolkit-'))
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'colloquy-fingerprint-test', type: 'module', private: true }))
    for (const dir of ['bin', 'generator', 'protocols']) cpSync(path.join(repoRoot, dir), path.join(root, dir), { recursive: true })
    symlinkSync(path.join(repoRoot, 'runtime'), path.join(root, 'runtime'))
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'))
    // Freshness alone: the lockfile comparison is covered elsewhere.
    rmSync(path.join(root, 'protocols/colloquy.lock.json'), { force: true })
    const generated = cli('generate')
    expect(generated.stderr).toBe('')
    expect(generated.status).toBe(0)
  }, 120_000)
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('still passes after edits to the CLI, lockfile and compatibility code', () => {
    const restores = ['generator/cli/main.ts', 'generator/lock/lockfile.ts', 'generator/compat/rules.ts'].map((file) => touch(root, file))
    try {
      const check = cli('check')
      expect(check.stderr).toBe('')
      expect(check.status).toBe(0)
    } finally {
      for (const restore of restores) restore()
    }
  }, 120_000)

  it('fails, naming the manifest, after an edit to an emitter', () => {
    const restore = touch(root, 'generator/emit/emit-diagram.ts')
    try {
      const check = cli('check')
      expect(check.status).toBe(1)
      expect(check.stderr).toContain('generated/colloquy-manifest.json was written by a different version of the generator')
    } finally {
      restore()
    }
    expect(cli('check').status).toBe(0)
  }, 120_000)
})
