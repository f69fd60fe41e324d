/**
 * A protocol version as the runtime needs it: its state table as a literal, and the spec naming the
 * definition, its hash, the table and the specs of the sub-protocols it inlines (imported from their own
 * generated modules when declared in another protocol file).
 */
import type { StateEntry, StateTable } from '../../runtime/protocol/ir/index.js'
import type { FamilyModel, ProjectModel, VersionModel } from '../protocol-model.js'
import type { EmitOptions } from './emit-options.js'
import type { ImportSet } from './import-set.js'
import { inlineTarget } from './inline-target.js'
import { moduleSpecifier } from './module-specifier.js'
import { definitionBinding, specName, tableName } from './names.js'
import { outputPathFor } from './output-path.js'

/** The `…Table` and `…Spec` constants of `version`, as one statement of text. */
export function versionSpec(model: ProjectModel, family: FamilyModel, version: VersionModel, imports: ImportSet, options: EmitOptions): string {
  const { name } = family
  const v = version.definition.version
  const inlines = inlineSpecs(model, family, version, imports, options)
  const inlineText = inlines.length ? `\n${inlines.map((i) => `    ${i},`).join('\n')}\n  ` : ''
  return [
    `/** Run-time state table of ${name} v${v}: states in declaration order, the last is End. */`,
    `export const ${tableName(name, v)}: StateTable = ${tableLiteral(version.table)}`,
    '',
    `/** ${name} v${v} as the runtime needs it: definition, hash, state table and inlined sub-protocols. */`,
    `export const ${specName(name, v)}: VersionSpec = {`,
    `  definition: ${definitionBinding(familyNamesOf(model, family.file), version.exportName)},`,
    `  hash: '${version.hash}',`,
    `  table: ${tableName(name, v)},`,
    `  inlines: {${inlineText}},`,
    '}',
    '',
  ].join('\n')
}

function inlineSpecs(model: ProjectModel, family: FamilyModel, version: VersionModel, imports: ImportSet, options: EmitOptions): string[] {
  return version.table.states
    .filter((s): s is Extract<StateEntry, { op: 'inline' }> => s.op === 'inline')
    .map((entry) => {
      const sub = inlineTarget(model, version, entry.label)
      const spec = specName(sub.family, sub.version)
      if (sub.file !== family.file) imports.add(moduleSpecifier(outputPathFor(family.file, options), outputPathFor(sub.file, options)), [spec], true)
      return `${entry.label}: ${spec}`
    })
}

function tableLiteral(table: StateTable): string {
  const states = table.states.map((s) => `    ${JSON.stringify(s)},`).join('\n')
  return `{\n  protocol: '${table.protocol}',\n  version: ${table.version},\n  initiator: '${table.initiator}',\n  responder: '${table.responder}',\n  start: ${table.start},\n  states: [\n${states}\n  ],\n}`
}

function familyNamesOf(model: ProjectModel, file: string): string[] {
  return model.files.find((f) => f.path === file)?.families.map((f) => f.name) ?? []
}
