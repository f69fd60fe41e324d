/** `generate` removes only files it wrote inside its output folder; a manifest naming others is refused. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GenerationPlan, ProjectLayout } from '../../generator/generate.js'
import { GeneratorError } from '../../generator/generator-error.js'
import { writeGeneration } from '../../generator/write-generation.js'

describe('writeGeneration and the previous manifest', () => {
  let base: string
  let layout: ProjectLayout
  const manifestPath = 'generated/colloquy-manifest.json'
  const plan: GenerationPlan = {
    outputs: new Map([[manifestPath, '{"generator":"g","files":{}}\n']]),
    manifest: { generator: 'g', files: {} },
    protocolFiles: [],
    notes: [],
  }
  const previousManifest = (outputs: string[]): void => {
    const files = { 'protocols/x.protocol.ts': { input: 'i', outputs: Object.fromEntries(outputs.map((o) => [o, 'h'])) } }
    writeFileSync(path.join(layout.root, manifestPath), JSON.stringify({ generator: 'g', files }))
  }

  beforeEach(() => {
    base = mkdtempSync(path.join(os.tmpdir(), 'colloquy-removals-'))
    const root = path.join(base, 'project')
    mkdirSync(path.join(root, 'generated'), { recursive: true })
    writeFileSync(path.join(base, 'victim.txt'), 'not generated')
    layout = { root, protocolsDir: 'protocols', outDir: 'generated', runtime: 'colloquy/protocol', generatorFingerprint: 'g' }
  })
  afterEach(() => rmSync(base, { recursive: true, force: true }))

  it('removes an output the previous manifest listed and the plan no longer has', () => {
    writeFileSync(path.join(layout.root, 'generated/old.ts'), '// old')
    previousManifest(['generated/old.ts'])
    expect(writeGeneration(layout, plan).removed).toEqual(['generated/old.ts'])
    expect(existsSync(path.join(layout.root, 'generated/old.ts'))).toBe(false)
  })

  it.each(['../victim.txt', 'generated/../../victim.txt', path.join(os.tmpdir(), 'x.ts')])(
    'refuses an entry pointing outside (%s) and deletes nothing',
    (entry) => {
      writeFileSync(path.join(layout.root, 'generated/old.ts'), '// old')
      previousManifest(['generated/old.ts', entry])
      expect(() => writeGeneration(layout, plan)).toThrow(GeneratorError)
      expect(() => writeGeneration(layout, plan)).toThrow(
        /lists ".*" as a generated file, but it is outside generated\/, so colloquy generate will not remove it/,
      )
      expect(existsSync(path.join(base, 'victim.txt'))).toBe(true)
      expect(existsSync(path.join(layout.root, 'generated/old.ts'))).toBe(true)
    },
  )

  it('refuses an entry that reaches outside through a symbolic link inside the output folder', () => {
    symlinkSync(base, path.join(layout.root, 'generated/link'))
    previousManifest(['generated/link/victim.txt'])
    expect(() => writeGeneration(layout, plan)).toThrow(/"generated\/link\/victim\.txt" as a generated file, but it is outside generated\//)
    expect(existsSync(path.join(base, 'victim.txt'))).toBe(true)
  })
})
