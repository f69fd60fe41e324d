/**
 * The payload types of a protocol version: per message label `<Msg>`, what the receiver reads (the
 * schema's output), and `<Msg>Input`, what the sender writes (its input), both tagged so payloads of
 * different messages do not mix; one alias per declared error's details (and `<Error>Input` where the sides
 * differ); an alias per `$defs` entry of each schema.
 */
import { DeclarationKind, type TypeAliasDeclaration } from './declarations.js'
import type { IRStep, JsonSchema } from '../../runtime/protocol/ir/index.js'
import { stepNumber } from '../../runtime/protocol/ir/index.js'
import type { FamilyModel, VersionModel } from '../protocol-model.js'
import { compare } from '../protocol-model.js'
import { typeMembers, typeText } from './json-schema-to-type.js'
import { errorTypeName, messageInputTypeName, messageTypeName, pascal } from './names.js'
import { type PayloadSide, type PayloadSides, payloadSides } from './payload-sides.js'

interface MessageShape {
  readonly schema: JsonSchema
  readonly from: string
  readonly to: string
}

export interface VersionPayloadTypes {
  /** Message types, then error types, each sorted by name. */
  readonly declarations: TypeAliasDeclaration[]
  /** The labels of the messages whose sender type is an object or a union of objects (see `PayloadAt`). */
  readonly objectInputs: ReadonlySet<string>
}

export function messageAndErrorTypes(family: FamilyModel, version: VersionModel): VersionPayloadTypes {
  const { name } = family
  const v = version.definition.version
  const table = version.table
  const out: TypeAliasDeclaration[] = []
  const objectInputs = new Set<string>()
  const messageSchemas = new Map<string, MessageShape>()
  collectMessages(version.ir.steps, messageSchemas)
  for (const [label, { schema, from, to }] of [...messageSchemas].sort(([a], [b]) => compare(a, b))) {
    const typeName = messageTypeName(name, v, label)
    const entry = table.states.find((s) => s.op === 'message' && s.label === label)!
    const where = `${name} v${v} message \`${label}\`: ${from} -> ${to}, ${stepNumber(table, entry.id)}.`
    const zodSchema = version.definition.messages.get(label)
    const sides = zodSchema ? payloadSides(zodSchema, schema) : { input: { schema, undefinable: false }, output: { schema, undefinable: false } }
    const tag = `${name} v${v} ${label}`
    out.push(...typeAliases(typeName, sides.output, [`${where} What ${to} reads (the schema's output).`], tag))
    out.push(...inputAliases(typeName, sides, [`${where} What ${from} writes (the schema's input).`], tag))
    if (isObjectShaped(sides.input)) objectInputs.add(label)
  }
  for (const [error, schema] of Object.entries(version.ir.errors).sort(([a], [b]) => compare(a, b))) {
    const typeName = errorTypeName(name, v, error)
    out.push(...typeAliases(typeName, { schema, undefinable: false }, [`Details of the declared error \`${error}\` of ${name} v${v}.`]))
    // What the raising side writes, where the schema's input differs (`create()` takes it; the receiver reads the output).
    const input = errorDetailInput(version, error)
    if (input)
      out.push(
        ...typeAliases(messageInputTypeName(typeName), input, [
          `Details of the declared error \`${error}\` of ${name} v${v} as the raising side writes them (the schema's input).`,
        ]),
      )
  }
  return { declarations: out, objectInputs }
}

/**
 * The input side of a declared error's details schema, when it types differently from the output side (a
 * `.default()` field, say); undefined when the two are the same type, and `create()` takes the output type.
 */
export function errorDetailInput(version: VersionModel, error: string): PayloadSide | undefined {
  const schema = version.ir.errors[error]!
  const zodSchema = version.definition.errors[error]
  if (!zodSchema) return undefined
  const sides = payloadSides(zodSchema, schema)
  const input = { schema: sides.input.schema, undefinable: sides.input.undefinable }
  const output = { schema, undefinable: false }
  if (input.schema === output.schema && !input.undefinable) return undefined
  const typeOf = (side: PayloadSide): string[] => typeAliases('T', side, []).map((a) => a.type)
  const [a, b] = [typeOf(input), typeOf(output)]
  return a.length === b.length && a.every((t, i) => t === b[i]) ? undefined : input
}

/** Whether every value of a side is an object (not an array, tuple, primitive, null or undefined). */
function isObjectShaped(side: PayloadSide): boolean {
  if (side.undefinable) return false
  const { $defs: _defs, ...root } = side.schema
  // A `$ref` reads as an opaque name here, which is not taken for an object.
  const members = typeMembers(root, { refName: () => 'ref' })
  return members.length > 0 && members.every((m) => m.startsWith('{') || m.startsWith('Record<'))
}

/** `<Msg>Input`: an alias of `<Msg>` when both sides have the same type, else its own type (and `$defs`). */
function inputAliases(typeName: string, sides: PayloadSides, docs: string[], tag: string): TypeAliasDeclaration[] {
  const inputName = messageInputTypeName(typeName)
  const alias: TypeAliasDeclaration = { kind: DeclarationKind.TypeAlias, name: inputName, isExported: true, docs: [docs.join('\n')], type: typeName }
  const { input, output } = sides
  if (input.schema === output.schema && input.undefinable === output.undefinable) return [alias]
  const asOutput = typeAliases(typeName, input, docs, tag)
  const outputAliases = typeAliases(typeName, output, docs, tag)
  const same = (a: TypeAliasDeclaration, b: TypeAliasDeclaration | undefined): boolean => a.type === b?.type
  if (asOutput.length === outputAliases.length && asOutput.every((a, i) => same(a, outputAliases[i]))) return [alias]
  return typeAliases(inputName, input, docs, tag)
}

function typeAliases(typeName: string, side: PayloadSide, docs: string[], tag?: string): TypeAliasDeclaration[] {
  const { schema } = side
  const defs = (schema.$defs ?? {}) as Record<string, JsonSchema>
  const refName = (ref: string): string => {
    if (ref === '#') return typeName
    const match = /^#\/\$defs\/(.+)$/.exec(ref)
    return match ? `${typeName}_${pascal(match[1]!.replace(/[^A-Za-z0-9_]/g, '_'))}` : 'unknown'
  }
  const { $defs: _defs, ...root } = schema
  const aliases: TypeAliasDeclaration[] = [
    {
      kind: DeclarationKind.TypeAlias,
      name: typeName,
      isExported: true,
      docs: [docs.join('\n')],
      type: rootType(typeMembers(root, { refName }), side.undefinable, tag),
    },
  ]
  for (const [defName, def] of Object.entries(defs).sort(([a], [b]) => compare(a, b))) {
    aliases.push({ kind: DeclarationKind.TypeAlias, name: refName(`#/$defs/${defName}`), isExported: true, type: typeText(def, { refName }) })
  }
  return aliases
}

/**
 * The payload's type with the message tag on every member that can carry it without changing the type:
 * not `null` or `undefined` (`null & MessageTag` is `never`), so a nullable or optional payload stays
 * sendable as such, and not a tuple (an intersection loses the element types of `[a, ...rest]`).
 */
function rootType(members: readonly string[], undefinable: boolean, tag: string | undefined): string {
  const unique = [...new Set([...members, ...(undefinable ? ['undefined'] : [])])]
  if (!tag) return unique.join(' | ')
  if (unique.includes('unknown')) return 'unknown'
  const untaggable = (m: string): boolean => m === 'null' || m === 'undefined' || m.startsWith('readonly [')
  const bare = unique.filter(untaggable)
  const tagged = unique.filter((m) => !untaggable(m))
  if (tagged.length === 0) return bare.join(' | ')
  const operand = tagged.length > 1 ? `(${tagged.join(' | ')})` : tagged[0]!.startsWith('readonly ') ? `(${tagged[0]})` : tagged[0]!
  return [`${operand} & MessageTag<'${tag}'>`, ...bare].join(' | ')
}

function collectMessages(steps: readonly IRStep[], into: Map<string, MessageShape>): void {
  for (const step of steps) {
    if (step.op === 'message') into.set(step.label, { schema: step.schema, from: step.from, to: step.to })
    if (step.op === 'choice') for (const body of Object.values(step.branches)) collectMessages(body, into)
    if (step.op === 'loop') collectMessages(step.body, into)
  }
}
