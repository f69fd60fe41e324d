/**
 * The compiler's cost of a protocol definition grows linearly with its length: each builder call adds a
 * constant number of type instantiations, whatever came before it (the builder's step list is never walked
 * again). Measured with tsc's instantiation count over definitions of 1, 200 and 1,000 steps.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const folder = mkdtempSync(path.join(os.tmpdir(), 'colloquy-definition-cost-'))
symlinkSync(path.join(root, 'runtime'), path.join(folder, 'runtime'))
symlinkSync(path.join(root, 'node_modules'), path.join(folder, 'node_modules'))
writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ name: 'definition-cost', type: 'module', private: true }))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

/** A definition of `steps` messages (object, string and number payloads, both directions), in segments of 100. */
function definitionSource(steps: number): string {
  const payloads = ['Item', 'z.string()', 'z.number().int()']
  const lines = [
    `import { z } from 'zod'`,
    `import { protocol } from './runtime/protocol/index.js'`,
    'const Item = z.object({ id: z.string(), tags: z.array(z.string()) })',
    `export const P = protocol('P', { version: 1, initiator: 'A', responder: 'B' })`,
  ]
  for (let start = 0; start < steps; start += 100) {
    lines.push('  .pipe((p) => p')
    for (let i = start; i < Math.min(steps, start + 100); i++) lines.push(`    .${i % 2 ? 'receive' : 'send'}('m${i}', ${payloads[i % 3]})`)
    lines.push('  )')
  }
  lines.push('  .end()', '')
  return lines.join('\n')
}

/** A loop whose body has `steps` messages, and the length of its body as `SessionOf` shows it, checked. */
function loopSource(steps: number): string {
  const lines = [
    `import { z } from 'zod'`,
    `import { protocol, type SessionOf } from './runtime/protocol/index.js'`,
    `export const P = protocol('P', { version: 1, initiator: 'A', responder: 'B' })`,
    `  .loop('round', (p) => p`,
  ]
  for (let start = 0; start < steps; start += 100) {
    lines.push('  .pipe((p) => p')
    for (let i = start; i < Math.min(steps, start + 100); i++) lines.push(`    .send('m${i}', z.string())`)
    lines.push('  )')
  }
  lines.push(`  .continue('round'))`, '  .end()', `export const bodyLength: SessionOf<typeof P>[0]['body']['length'] = ${steps + 1}`, '')
  return lines.join('\n')
}

function instantiations(steps: number, source = definitionSource(steps), name = `definition-${steps}`): number {
  const file = path.join(folder, `${name}.ts`)
  writeFileSync(file, source)
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
  }
  const program = ts.createProgram({ rootNames: [file], options })
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`)
  expect(diagnostics, `the ${steps}-step definition should compile`).toEqual([])
  return program.getInstantiationCount()
}

describe('the type-checking cost of a protocol definition', () => {
  it('grows linearly: (1,000 steps - 1) / (200 steps - 1) stays within 5.5 (5 when linear)', () => {
    const fixed = instantiations(1)
    const at200 = instantiations(200) - fixed
    const at1000 = instantiations(1000) - fixed
    expect(at200).toBeGreaterThan(0)
    expect(at1000 / at200).toBeLessThanOrEqual(5.5)
  }, 120_000)

  it('shows the steps of a long loop body as a tuple (1,200 steps; up to 8,000 convert)', () => {
    expect(instantiations(1200, loopSource(1200), 'loop-1200')).toBeGreaterThan(0)
  }, 120_000)
})
