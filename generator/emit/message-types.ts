/**
 * The payload types of a protocol version: one type alias per message label (tagged, so payloads of
 * different messages do not mix) and per declared error, plus an alias per `$defs` entry of each schema.
 */
import type { StatementStructures } from 'ts-morph'
import type { IRStep, JsonSchema } from '../../runtime/protocol/ir/index.js'
import { stepNumber } from '../../runtime/protocol/ir/index.js'
import type { FamilyModel, VersionModel } from '../protocol-model.js'
import { compare } from '../protocol-model.js'
import { typeText } from './json-schema-to-type.js'
import { errorTypeName, messageTypeName, pascal } from './names.js'
import { StructureKind } from './ts-morph-runtime.js'

interface MessageShape {
  readonly schema: JsonSchema
  readonly from: string
  readonly to: string
}

/** Message types, then error types, each sorted by name. */
export function messageAndErrorTypes(family: FamilyModel, version: VersionModel): StatementStructures[] {
  const { name } = family
  const v = version.definition.version
  const table = version.table
  const out: StatementStructures[] = []
  const messageSchemas = new Map<string, MessageShape>()
  collectMessages(version.ir.steps, messageSchemas)
  for (const [label, { schema, from, to }] of [...messageSchemas].sort(([a], [b]) => compare(a, b))) {
    const typeName = messageTypeName(name, v, label)
    const entry = table.states.find((s) => s.op === 'message' && s.label === label)!
    out.push(
      ...typeAliases(typeName, schema, [`${name} v${v} message \`${label}\`: ${from} -> ${to}, ${stepNumber(table, entry.id)}.`], `${name} v${v} ${label}`),
    )
  }
  for (const [error, schema] of Object.entries(version.ir.errors).sort(([a], [b]) => compare(a, b))) {
    out.push(...typeAliases(errorTypeName(name, v, error), schema, [`Details of the declared error \`${error}\` of ${name} v${v}.`]))
  }
  return out
}

function typeAliases(typeName: string, schema: JsonSchema, docs: string[], tag?: string): StatementStructures[] {
  const defs = (schema.$defs ?? {}) as Record<string, JsonSchema>
  const refName = (ref: string): string => {
    if (ref === '#') return typeName
    const match = /^#\/\$defs\/(.+)$/.exec(ref)
    return match ? `${typeName}_${pascal(match[1]!.replace(/[^A-Za-z0-9_]/g, '_'))}` : 'unknown'
  }
  const { $defs: _defs, ...root } = schema
  const aliases: StatementStructures[] = [
    {
      kind: StructureKind.TypeAlias,
      name: typeName,
      isExported: true,
      docs: [docs.join('\n')],
      type: tag ? `${parenthesizeUnion(typeText(root, { refName }))} & MessageTag<'${tag}'>` : typeText(root, { refName }),
    },
  ]
  for (const [defName, def] of Object.entries(defs).sort(([a], [b]) => compare(a, b))) {
    aliases.push({ kind: StructureKind.TypeAlias, name: refName(`#/$defs/${defName}`), isExported: true, type: typeText(def, { refName }) })
  }
  return aliases
}

function parenthesizeUnion(text: string): string {
  return /^\{[\s\S]*\}$/.test(text) || !/[|&]/.test(text) ? text : `(${text})`
}

function collectMessages(steps: readonly IRStep[], into: Map<string, MessageShape>): void {
  for (const step of steps) {
    if (step.op === 'message') into.set(step.label, { schema: step.schema, from: step.from, to: step.to })
    if (step.op === 'choice') for (const body of Object.values(step.branches)) collectMessages(body, into)
    if (step.op === 'loop') collectMessages(step.body, into)
  }
}
