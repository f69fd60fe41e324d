/**
 * The generator prints its declarations itself (generator/emit/print-declarations.ts) in the formatting
 * ts-morph gives the same structures. Each case here is printed both ways and must come out byte for byte
 * the same: every module generated from the repository's protocols and the type fixtures' protocols (all
 * kinds of step, payload, version and error), and the printer's edge cases one by one.
 */
import { type StatementStructures, StructureKind, TypeParameterVariance, Project, IndentationText, QuoteKind } from 'ts-morph'
import { describe, expect, it } from 'vitest'
import type { Declaration, Statement, TypeParameter } from '../../generator/emit/declarations.js'
import { DeclarationKind } from '../../generator/emit/declarations.js'
import { moduleStatements } from '../../generator/emit/emit-protocol-module.js'
import { printStatements } from '../../generator/emit/print-declarations.js'
import { findProtocolFiles, loadProtocolFiles } from '../../generator/load-protocols.js'
import { buildProjectModel } from '../../generator/protocol-model.js'
import { repoRoot } from './support/temp-project.js'

const project = new Project({
  useInMemoryFileSystem: true,
  skipLoadingLibFiles: true,
  manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single },
})

/** What ts-morph prints for the same statements, through its public API. */
function printedByTsMorph(statements: readonly Statement[]): string {
  const file = project.createSourceFile('/module.ts', { statements: statements.map(toTsMorph) }, { overwrite: true })
  const text = file.getFullText()
  project.removeSourceFile(file)
  return text
}

function toTsMorph(statement: Statement): string | StatementStructures {
  if (typeof statement === 'string') return statement
  const d: Declaration = statement
  const typeParameters = (parameters: readonly (string | TypeParameter)[] | undefined) =>
    parameters?.map((p) =>
      typeof p === 'string'
        ? p
        : { ...p, variance: p.variance === undefined ? undefined : p.variance === 'in' ? TypeParameterVariance.In : TypeParameterVariance.Out },
    )
  switch (d.kind) {
    case 'import':
      return { kind: StructureKind.ImportDeclaration, moduleSpecifier: d.moduleSpecifier, namedImports: [...d.namedImports] }
    case 'type-alias':
      return { ...d, kind: StructureKind.TypeAlias, typeParameters: typeParameters(d.typeParameters), docs: d.docs && [...d.docs] }
    case 'interface':
      return {
        ...d,
        kind: StructureKind.Interface,
        typeParameters: typeParameters(d.typeParameters),
        extends: d.extends && [...d.extends],
        docs: d.docs && [...d.docs],
        properties: d.properties?.map((p) => ({ ...p, docs: p.docs && [...p.docs] })),
        methods: d.methods?.map((m) => ({
          ...m,
          typeParameters: typeParameters(m.typeParameters),
          parameters: m.parameters?.map((p) => ({ ...p })),
          docs: m.docs && [...m.docs],
        })),
      }
  }
}

describe('printing declarations', () => {
  it('prints every module generated from the repository and fixture protocols as ts-morph does', async () => {
    const files = [...findProtocolFiles(repoRoot, 'protocols'), ...findProtocolFiles(repoRoot, 'test/types/protocols')]
    const model = buildProjectModel(await loadProtocolFiles(repoRoot, files))
    expect(model.files.length).toBeGreaterThanOrEqual(10)
    for (const file of model.files) {
      const statements = moduleStatements(model, file, { runtimeImport: '../runtime/protocol/index.js', outDir: 'generated', protocolsDir: 'protocols' })
      expect(statements.some((s) => typeof s !== 'string' && s.kind === 'interface')).toBe(true)
      expect(printStatements(statements), file.path).toBe(printedByTsMorph(statements))
    }
  })

  const alias = (type: string, docs?: string[]): Statement => ({
    kind: DeclarationKind.TypeAlias,
    name: 'A',
    isExported: true,
    type,
    ...(docs ? { docs } : {}),
  })
  const edgeCases: readonly (readonly [string, readonly Statement[]])[] = [
    ['an empty interface', [{ kind: DeclarationKind.Interface, name: 'Empty', isExported: true }]],
    ['an interface first, then a type alias', [{ kind: DeclarationKind.Interface, name: 'I' }, alias('string')]],
    ['consecutive type aliases', [alias('string'), alias('number', ['Two.']), alias('{ a: 1 }')]],
    ['a multi-line type alias', [alias('{\n  readonly a: string\n\n  readonly b: number\n} & T', ['Line one.\nLine two.'])]],
    ['an empty and a blank-first doc', [alias('string', ['']), alias('number', ['\nAfter a blank first line.']), alias('boolean', ['Ends in a space '])]],
    ['text statements around an interface', ['const a = 1', { kind: DeclarationKind.Interface, name: 'I' }, 'const b = {\n  c: 2,\n}\n', alias('string')]],
    [
      'an interface with every member feature',
      [
        'import x from "y"',
        {
          kind: DeclarationKind.Interface,
          name: 'Full',
          isExported: true,
          typeParameters: ['T', { name: 'S', variance: 'out' }, { name: 'U', variance: 'in', constraint: 'string', default: "'u'" }],
          extends: ['Omit<Base, "a">', 'Other'],
          docs: ['First line.\nSecond line.'],
          properties: [
            { name: 'a', type: 'string', isReadonly: true, docs: ['A property.'] },
            { name: 'b', type: '{\n    readonly c: number\n  }' },
          ],
          methods: [
            { name: 'm', docs: ['No parameters.'] },
            {
              name: 'm',
              typeParameters: [{ name: 'R', constraint: 'keyof T' }],
              parameters: [{ name: 'r', type: 'R' }],
              returnType: 'Promise<R>',
              docs: ['Two\nlines.'],
            },
            {
              name: 'rest',
              parameters: [
                { name: 'a', type: 'A' },
                { name: 'more', type: '[A, ...A[]]', isRestParameter: true },
              ],
              returnType: 'void',
            },
          ],
        },
      ],
    ],
    [
      'imports with type-only names and aliases',
      [
        {
          kind: DeclarationKind.Import,
          moduleSpecifier: '../a/b.js',
          namedImports: [{ name: 'A' }, { name: 'B', isTypeOnly: true }, { name: 'C', alias: 'D' }],
        },
        { kind: DeclarationKind.Import, moduleSpecifier: "./it's.js", namedImports: [{ name: 'E' }] },
      ],
    ],
  ]
  it.each(edgeCases)('prints %s as ts-morph does', (_name, statements) => {
    expect(printStatements(statements)).toBe(printedByTsMorph(statements))
  })
})
