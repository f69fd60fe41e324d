/**
 * The JSON types and the enumerated values a schema allows, and which types a reader accepts of a
 * writer's (an integer is a number; a number may or may not be an integer).
 */
import { canonicalJson } from '../../runtime/protocol/ir/canonical-json.js'
import type { JsonSchema } from '../../runtime/protocol/ir/protocol-ir.js'

export type JsonType = 'null' | 'boolean' | 'object' | 'array' | 'number' | 'integer' | 'string'
const jsonTypes: readonly JsonType[] = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string']

/** The JSON types a schema allows; null when it does not limit them. */
export function typesOf(schema: JsonSchema): JsonType[] | null {
  const declared = schema['type']
  if (typeof declared === 'string') return [declared as JsonType]
  if (Array.isArray(declared)) return declared.filter((t): t is JsonType => jsonTypes.includes(t as JsonType))
  const values = valuesOf(schema)
  if (values) return [...new Set(values.map(typeOfValue))]
  if ('properties' in schema || 'required' in schema || 'additionalProperties' in schema) return ['object']
  if ('items' in schema || 'prefixItems' in schema) return ['array']
  return null
}

function typeOfValue(value: unknown): JsonType {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value as JsonType
}

export function typeAccepts(readerTypes: readonly JsonType[], type: JsonType): boolean {
  return readerTypes.includes(type) || (type === 'integer' && readerTypes.includes('number'))
}

export function typesOverlap(a: readonly JsonType[] | null, b: readonly JsonType[] | null): boolean {
  if (a === null || b === null) return true
  return a.some((t) => typeAccepts(b, t) || (t === 'number' && b.includes('integer')))
}

/** The values a `const` or `enum` allows; null when the schema does not enumerate them. */
export function valuesOf(schema: JsonSchema): unknown[] | null {
  if ('const' in schema) return [schema['const']]
  return Array.isArray(schema['enum']) ? (schema['enum'] as unknown[]) : null
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b)
}
