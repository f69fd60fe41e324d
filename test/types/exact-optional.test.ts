/**
 * Optional payload fields take `undefined` as zod's own types do, so a sender compiled with
 * `exactOptionalPropertyTypes` may write `{ field: undefined }` where the schema accepts it.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const folder = mkdtempSync(path.join(os.tmpdir(), 'colloquy-exact-optional-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

const source = `import type { PayloadKindsV1Writer_SendDefaultedFields, PayloadKindsV1Writer_SendNested } from './repository/generated/payload-kinds.js'

export async function send<S>(fields: PayloadKindsV1Writer_SendDefaultedFields<S>, nested: PayloadKindsV1Writer_SendNested<S>) {
  await fields.send({ note: undefined, count: undefined, tag: undefined })
  await nested.send({ outer: { inner: undefined } })
  await nested.send({ outer: undefined })
}
`

describe('payload types under exactOptionalPropertyTypes', () => {
  it('accept undefined for an optional or defaulted field, as zod does', () => {
    symlinkSync(root, path.join(folder, 'repository'))
    writeFileSync(path.join(folder, 'package.json'), JSON.stringify({ name: 'exact-optional', type: 'module', private: true }))
    const file = path.join(folder, 'send.ts')
    writeFileSync(file, source)
    const program = ts.createProgram({
      rootNames: [file],
      options: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2023.d.ts'],
        types: ['node'],
        typeRoots: [path.join(root, 'node_modules', '@types')],
        strict: true,
        exactOptionalPropertyTypes: true,
        noEmit: true,
        skipLibCheck: true,
      },
    })
    const diagnostics = ts
      .getPreEmitDiagnostics(program, program.getSourceFile(file))
      .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`)
    expect(diagnostics).toEqual([])
  }, 60_000)
})
