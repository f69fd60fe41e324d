/**
 * `colloquy node` is the runtime's command line: a node process must not load the code generator, ts-morph
 * or typescript. The process runs with a preload that records every module it resolves (ES module hooks)
 * and every CommonJS module it required; the code generator's own command line, recorded the same way,
 * shows that the record would catch them (its generator modules, and esbuild, which tsx requires).
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, describe, expect, it } from 'vitest'
import { ProcessCluster } from '../../scripts/lib/process-cluster.js'

const repository = path.resolve(import.meta.dirname, '..', '..')
const bin = path.join(repository, 'bin', 'colloquy.js')
const preload = path.join(import.meta.dirname, 'support', 'record-loads.mjs')
const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-node-loads-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The generator's modules, ts-morph, the TypeScript it bundles, and the typescript package. */
const generatorCode = /\/(node_modules\/(ts-morph|@ts-morph|typescript)|generator)\//

function recorded(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean)
}

describe('what a node process loads', () => {
  it('colloquy node runs a node without loading the generator, ts-morph or typescript', async () => {
    const cluster = await ProcessCluster.create(path.join(dir, 'cluster'), [{ name: 'Lone', app: 'examples/echo-node.ts' }])
    const config = cluster.node('Lone').config
    const record = path.join(dir, 'node-loads.txt')
    const child = spawn(process.execPath, ['--import', preload, bin, 'node', '--config', config, '--json'], {
      env: { ...process.env, COLLOQUY_RECORD_LOADS: record },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    for await (const line of createInterface({ input: child.stdout })) {
      if ((JSON.parse(line) as { event: string }).event !== 'ready') continue
      child.kill('SIGTERM')
      break
    }
    expect(await exited, stderr).toBe(0)

    const loads = recorded(record)
    // The record saw the node's own modules and its native store module, so it would see the others too.
    expect(loads.some((url) => url.endsWith('/runtime/engine/node.ts'))).toBe(true)
    expect(loads.some((file) => file.includes('/node_modules/better-sqlite3/'))).toBe(true)
    expect(loads.filter((entry) => generatorCode.test(entry))).toEqual([])
  })

  it('the record catches them: the code generator’s command line loads the generator and a CommonJS module', () => {
    const record = path.join(dir, 'generate-loads.txt')
    const empty = mkdtempSync(path.join(dir, 'project-'))
    const run = spawnSync(process.execPath, ['--import', preload, bin, 'generate', '--root', empty], {
      env: { ...process.env, COLLOQUY_RECORD_LOADS: record },
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(run.stderr).toContain('no protocol files found')
    const loads = recorded(record)
    // The TypeScript loader's esbuild, required from CommonJS: the record lists required modules as paths.
    expect(loads.some((entry) => /^\/.*\/node_modules\/(.*\/)?esbuild\/lib\/main\.js$/.test(entry))).toBe(true)
    expect(loads.some((entry) => /\/generator\/generate\.ts$/.test(entry))).toBe(true)
  })
})
