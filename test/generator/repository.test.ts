import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot, runCli } from './support/temp-project.js'

describe('this repository', () => {
  it('has generated/ up to date with protocols/ (colloquy check exits 0)', () => {
    const result = runCli(repoRoot, ['check'])
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
  })

  it('type-checks: examples implement every protocol against generated/', () => {
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc')
    const result = spawnSync(process.execPath, [tsc, '-p', path.join(repoRoot, 'tsconfig.json'), '--noEmit'], { encoding: 'utf8', timeout: 120_000 })
    expect(result.stdout + result.stderr).toBe('')
    expect(result.status).toBe(0)
  })
})
