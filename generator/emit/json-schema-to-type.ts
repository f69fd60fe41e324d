/**
 * Turns the JSON Schema zod emits for a payload into TypeScript type text. Generated message types come
 * from the same JSON Schema that the lockfile and the wire use (and, for what a sender writes, from the
 * schema's input side: payload-sides.ts), so what the compiler checks is exactly what can travel; run-time
 * validation still uses the zod schema itself. Arrays and tuples are `readonly`, as object properties
 * are: a sender may pass a readonly array, and a receiver has no reason to change what it was sent.
 */
import type { JsonSchema } from '../../runtime/protocol/ir/index.js'

export interface TypeTextOptions {
  /** Names a `$ref` target (`#/$defs/X`); emitted by the caller as its own type alias. */
  readonly refName: (ref: string) => string
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/

export function typeText(schema: JsonSchema | boolean | undefined, options: TypeTextOptions, indent = ''): string {
  return union(typeMembers(schema, options, indent))
}

/** The alternatives of the type at the top level (one element when it is not a union), each as type text. */
export function typeMembers(schema: JsonSchema | boolean | undefined, options: TypeTextOptions, indent = ''): string[] {
  if (schema === undefined || schema === true) return ['unknown']
  if (schema === false) return ['never']
  const s = schema as Record<string, unknown>
  if (typeof s.$ref === 'string') return [options.refName(s.$ref)]
  if ('const' in s) return [literal(s.const)]
  if (Array.isArray(s.enum)) return s.enum.map(literal)
  if (typeof s.not === 'object' && s.not !== null && Object.keys(s.not).length === 0) return ['never']
  const alternatives = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined
  if (Array.isArray(alternatives)) return alternatives.flatMap((a) => typeMembers(a, options, indent))
  if (Array.isArray(s.allOf)) return [(s.allOf as JsonSchema[]).map((a) => parenthesize(typeText(a, options, indent))).join(' & ')]
  if (Array.isArray(s.type)) return s.type.flatMap((t) => typeMembers({ ...s, type: t }, options, indent))
  switch (s.type) {
    case 'string':
      return ['string']
    case 'number':
    case 'integer':
      return ['number']
    case 'boolean':
      return ['boolean']
    case 'null':
      return ['null']
    case 'array':
      return [arrayText(s, options, indent)]
    case 'object':
      return [objectText(s, options, indent)]
    default:
      return ['unknown']
  }
}

function arrayText(s: Record<string, unknown>, options: TypeTextOptions, indent: string): string {
  if (Array.isArray(s.prefixItems)) {
    const items = (s.prefixItems as JsonSchema[]).map((i) => typeText(i, options, indent))
    const rest = s.items !== undefined && s.items !== false ? [`...${parenthesize(typeText(s.items as JsonSchema, options, indent))}[]`] : []
    return `readonly [${[...items, ...rest].join(', ')}]`
  }
  return `readonly ${parenthesize(typeText(s.items as JsonSchema | undefined, options, indent))}[]`
}

function objectText(s: Record<string, unknown>, options: TypeTextOptions, indent: string): string {
  const required = new Set((s.required ?? []) as string[])
  const extra = s.additionalProperties
  // A record over a fixed set of keys (z.record(z.enum([...]), v)): one property per key.
  const keys = (s.propertyNames as { enum?: unknown } | undefined)?.enum
  const properties: Record<string, JsonSchema | boolean | undefined> = { ...((s.properties ?? {}) as Record<string, JsonSchema>) }
  if (Array.isArray(keys)) for (const key of keys) properties[String(key)] ??= extra as JsonSchema | boolean | undefined
  const inner = `${indent}  `
  const lines = Object.entries(properties).map(([key, value]) => {
    const name = identifier.test(key) ? key : JSON.stringify(key)
    const optional = !required.has(key)
    // An optional field takes `undefined` as zod has it (also under exactOptionalPropertyTypes); a record's
    // key does not (zod checks the value of every key present).
    const undefinable = optional && Object.hasOwn((s.properties ?? {}) as object, key)
    return `${inner}readonly ${name}${optional ? '?' : ''}: ${union([...typeMembers(value, options, inner), ...(undefinable ? ['undefined'] : [])])}`
  })
  if (extra !== undefined && extra !== false && !Array.isArray(keys)) {
    // TypeScript wants every property to fit the index signature: `catchall(z.number())` beside a string
    // property reads as `string | number` for other keys; zod still checks them at run time.
    const named = Object.entries(properties).flatMap(([key, value]) => [...typeMembers(value, options, inner), ...(required.has(key) ? [] : ['undefined'])])
    lines.push(
      `${inner}readonly [key: string]: ${typeText(extra as JsonSchema, options, inner) === 'unknown' ? 'unknown' : union([...typeMembers(extra as JsonSchema, options, inner), ...named])}`,
    )
  }
  if (lines.length === 0) return extra === false ? 'Record<string, never>' : '{ readonly [key: string]: unknown }'
  const oneLine = `{ ${lines.map((l) => l.trim()).join('; ')} }`
  return oneLine.length <= 80 && !oneLine.includes('\n') ? oneLine : `{\n${lines.join('\n')}\n${indent}}`
}

function literal(value: unknown): string {
  return value === null ? 'null' : JSON.stringify(value)
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)]
  return unique.length === 0 ? 'never' : unique.join(' | ')
}

/** Wraps type text that would bind differently as an operand of `[]`, `&` or `...`. */
export function parenthesize(text: string): string {
  return /^[A-Za-z0-9_$.<>[\]"']+$/.test(text) || text.startsWith('{') || text.startsWith('[') ? text : `(${text})`
}
