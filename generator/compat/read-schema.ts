/**
 * Reading JSON Schemas as zod writes them: following `$ref`s, a union's alternatives, keyword values of
 * the expected kind (anything else counts as absent), and zod's extra patterns.
 */
import type { JsonSchema } from '../../runtime/protocol/ir/protocol-ir.js'
import type { SchemaNode } from './schema-gap.js'

/** Keywords that describe but never reject a value. */
export const annotations = new Set([
  'title',
  'description',
  'default',
  'examples',
  'readOnly',
  'writeOnly',
  'deprecated',
  '$comment',
  '$id',
  '$schema',
  'id',
  '$defs',
  'definitions',
])

export function resolve(node: SchemaNode, root: JsonSchema): SchemaNode {
  let current: SchemaNode = node
  for (let hops = 0; hops < 32 && typeof current === 'object' && typeof current['$ref'] === 'string'; hops++) {
    const target = pointer(root, current['$ref'])
    if (target === undefined) return current
    const { $ref: _ref, ...siblings } = current
    current = Object.keys(siblings).length === 0 || typeof target !== 'object' ? target : { ...target, ...siblings }
  }
  return current
}

function pointer(root: JsonSchema, ref: string): SchemaNode | undefined {
  if (ref === '#') return root
  if (!ref.startsWith('#/')) return undefined
  let value: unknown = root
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return typeof value === 'boolean' || (typeof value === 'object' && value !== null) ? (value as SchemaNode) : undefined
}

export function isUnconstrained(schema: JsonSchema): boolean {
  return Object.keys(schema).every((key) => annotations.has(key))
}

/** anyOf/oneOf members, with any sibling keywords applied to each. */
export function alternatives(schema: JsonSchema): JsonSchema[] | null {
  const list = nodeList(schema['anyOf']).concat(nodeList(schema['oneOf']))
  if (list.length === 0) return null
  const { anyOf: _a, oneOf: _o, ...siblings } = schema
  const extra = Object.fromEntries(Object.entries(siblings).filter(([key]) => !annotations.has(key)))
  return list.map((option) => (option === true ? { ...extra } : option === false ? { not: {} } : { ...extra, ...option }))
}

export function numberKeyword(schema: JsonSchema, key: string): number | undefined {
  const value = schema[key]
  return typeof value === 'number' ? value : undefined
}

/** `pattern` plus zod's further patterns, which it writes as `allOf: [{ pattern }]`. */
export function patternsOf(schema: JsonSchema): string[] {
  const own = typeof schema['pattern'] === 'string' ? [schema['pattern']] : []
  const more = schemaList(schema['allOf']).flatMap((part) => (isPatternOnly(part) && typeof part === 'object' ? [part['pattern'] as string] : []))
  return [...new Set([...own, ...more])]
}

export function isPatternOnly(part: SchemaNode): boolean {
  return typeof part === 'object' && typeof part['pattern'] === 'string' && Object.keys(part).every((key) => key === 'pattern' || annotations.has(key))
}

export function itemsOf(schema: JsonSchema): SchemaNode {
  const items = schema['items']
  return typeof items === 'boolean' || (typeof items === 'object' && items !== null && !Array.isArray(items)) ? (items as SchemaNode) : true
}

export function schemaList(value: unknown): JsonSchema[] {
  return Array.isArray(value) ? value.filter((v): v is JsonSchema => typeof v === 'object' && v !== null) : []
}

function nodeList(value: unknown): SchemaNode[] {
  return Array.isArray(value) ? value.filter((v): v is SchemaNode => typeof v === 'boolean' || (typeof v === 'object' && v !== null)) : []
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

export function record(value: unknown): Record<string, SchemaNode> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, SchemaNode>) : {}
}
