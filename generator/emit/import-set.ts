/**
 * The import declarations of a generated module, collected while its statements are emitted: each emitter
 * adds what its text names, so a module imports exactly what it uses.
 */
import type { StatementStructures } from 'ts-morph'
import { compare } from '../protocol-model.js'
import { StructureKind } from './ts-morph-runtime.js'

/** Collects imports by module, values and types apart, and prints them sorted. */
export class ImportSet {
  readonly #modules = new Map<string, { values: Set<string>; types: Set<string> }>()

  add(module: string, names: readonly string[], asValue: boolean, asType = !asValue): void {
    const entry = this.#modules.get(module) ?? { values: new Set(), types: new Set() }
    for (const n of names) (asValue && !asType ? entry.values : entry.types).add(n)
    this.#modules.set(module, entry)
  }

  structures(): StatementStructures[] {
    return [...this.#modules.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([module, { values, types }]) => {
        const names = [...values].map((n) => ({ name: n })).concat([...types].filter((t) => !values.has(t)).map((n) => ({ name: n, isTypeOnly: true })))
        names.sort((a, b) => compare(a.name, b.name))
        return { kind: StructureKind.ImportDeclaration, moduleSpecifier: module, namedImports: names }
      })
  }
}
