/**
 * The import declarations of a generated module, collected while its statements are emitted: each emitter
 * adds what its text names, so a module imports exactly what it uses.
 */
import { DeclarationKind, type ImportDeclaration } from './declarations.js'
import { compare } from '../protocol-model.js'

/** Collects imports by module, values and types apart, and prints them sorted. */
export class ImportSet {
  readonly #modules = new Map<string, { values: Set<string>; types: Set<string> }>()
  /** Imported name -> local name, for values imported under another name. */
  readonly #aliases = new Map<string, Map<string, string>>()

  add(module: string, names: readonly string[], asValue: boolean, asType = !asValue): void {
    const entry = this.#modules.get(module) ?? { values: new Set(), types: new Set() }
    for (const n of names) (asValue && !asType ? entry.values : entry.types).add(n)
    this.#modules.set(module, entry)
  }

  /** Imports the value `name` of `module` as `local` (the same name when they are equal). */
  addValue(module: string, name: string, local: string): void {
    this.add(module, [name], true)
    if (local === name) return
    const aliases = this.#aliases.get(module) ?? new Map<string, string>()
    aliases.set(name, local)
    this.#aliases.set(module, aliases)
  }

  declarations(): ImportDeclaration[] {
    return [...this.#modules.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([module, { values, types }]) => {
        const aliases = this.#aliases.get(module)
        const names = [...values]
          .map((n): { name: string; alias?: string; isTypeOnly?: boolean } => (aliases?.has(n) ? { name: n, alias: aliases.get(n)! } : { name: n }))
          .concat([...types].filter((t) => !values.has(t)).map((n) => ({ name: n, isTypeOnly: true })))
        names.sort((a, b) => compare(a.name, b.name))
        return { kind: DeclarationKind.Import, moduleSpecifier: module, namedImports: names }
      })
  }
}
