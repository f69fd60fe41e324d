/**
 * Whether every payload a writer's JSON Schema allows is accepted by a reader's: the gaps where it is
 * not. Compatibility runs it both ways per message (a locked writer with a current reader, and a current
 * writer with a locked reader).
 *
 * The schemas are zod output schemas. Readers parse with zod, which drops the keys an object does not
 * declare, so an object's `additionalProperties: false` closes it for its writer (its output never has
 * extra keys) but not for its reader; an open object (`z.looseObject`, records) checks its extra values.
 * Regular expressions are compared as text: a reader pattern the writer does not also have is a gap.
 */
import { canonicalJson } from '../../runtime/protocol/ir/canonical-json.js'
import type { JsonSchema } from '../../runtime/protocol/ir/protocol-ir.js'
import { listPhrase, valuePhrase } from './describe.js'

/**
 * - type: no value of the writer's type is accepted (e.g. integer to string);
 * - value: enumerated values the reader does not list;
 * - field-absent: the reader requires a field the writer does not declare;
 * - field-optional: the reader requires a field the writer may leave out;
 * - constraint: the writer may send values outside the reader's bounds, patterns, formats, types or alternatives.
 */
export type GapKind = 'type' | 'value' | 'field-absent' | 'field-optional' | 'constraint'

export interface SchemaGap {
  /** '' for the payload itself; `price.amount`, `lines[].sku`, `pair[1]`, `prices.*` below it. */
  readonly path: string
  readonly kind: GapKind
  /** What the writer may send there, as a phrase: `integer`, `at least 0`, `optional`. */
  readonly writer: string
  /** What the reader accepts there, as a phrase. */
  readonly reader: string
  /** For `value` gaps: the values the reader rejects. */
  readonly values?: readonly unknown[]
}

type Node = JsonSchema | boolean

/** Keywords that describe but never reject a value. */
const annotations = new Set([
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
/** Keywords this module judges; any other keyword on the reader must be equal on the writer. */
const judged = new Set([
  'type',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  '$ref',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'items',
  'prefixItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
])

/** zod adds the safe-integer range to every integer; it is not a choice the author made. */
const implicitBounds = new Set([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER])
const maxDepth = 64

export function schemaGaps(writer: JsonSchema, reader: JsonSchema): SchemaGap[] {
  const context: Context = { writerRoot: writer, readerRoot: reader, comparing: new Map() }
  return unique(gaps(writer, reader, '', context, 0))
}

interface Context {
  readonly writerRoot: JsonSchema
  readonly readerRoot: JsonSchema
  /** Writer/reader pairs on the current comparison path. */
  readonly comparing: Map<object, Set<object>>
}

function gaps(writerNode: Node, readerNode: Node, path: string, context: Context, depth: number): SchemaGap[] {
  if (depth > maxDepth) return []
  const writer = resolve(writerNode, context.writerRoot)
  const reader = resolve(readerNode, context.readerRoot)
  if (reader === true || (typeof reader === 'object' && isUnconstrained(reader))) return []
  if (writer === false) return []
  if (reader === false) return [{ path, kind: 'constraint', writer: describe(writer), reader: 'nothing' }]
  const w: JsonSchema = writer === true ? {} : writer
  // Recursive schemas: a pair met again below itself is assumed to fit (the rest of the pair decides).
  let readers = context.comparing.get(w)
  if (!readers) context.comparing.set(w, (readers = new Set()))
  if (readers.has(reader)) return []
  readers.add(reader)
  try {
    const writerAlternatives = alternatives(w)
    if (writerAlternatives) return unionWriterGaps(w, writerAlternatives, reader, path, context, depth)
    const readerAlternatives = alternatives(reader)
    if (readerAlternatives) return unionReaderGaps(w, reader, readerAlternatives, path, context, depth)
    return plainGaps(w, reader, path, context, depth)
  } finally {
    readers.delete(reader)
  }
}

/**
 * Gaps that say the value's whole shape is not accepted there (a type with nothing in common, or no
 * alternative of a union close enough to compare field by field), as opposed to a difference inside it.
 */
const wholeShape = new WeakSet<SchemaGap>()

function whole(gap: SchemaGap): SchemaGap {
  wholeShape.add(gap)
  return gap
}

const isWholeAt =
  (path: string) =>
  (gap: SchemaGap): boolean =>
    gap.path === path && wholeShape.has(gap)

/** Every alternative the writer may send must fit; alternatives the reader has no shape for make it wider, not different. */
function unionWriterGaps(w: JsonSchema, options: readonly JsonSchema[], reader: JsonSchema, path: string, context: Context, depth: number): SchemaGap[] {
  const perOption = options.map((option) => gaps(option, reader, path, context, depth + 1))
  const wholeHere = isWholeAt(path)
  if (perOption.every((list) => list.some(wholeHere))) {
    const kind = perOption.every((list) => list.some((gap) => wholeHere(gap) && gap.kind === 'type')) ? 'type' : 'constraint'
    return [whole({ path, kind, writer: describe(w), reader: describe(reader) })]
  }
  const out = perOption.flatMap((list) => list.filter((gap) => !wholeHere(gap)))
  if (perOption.some((list) => list.some(wholeHere))) out.unshift({ path, kind: 'constraint', writer: describe(w), reader: describe(reader) })
  return out
}

/**
 * The writer's value must fit one alternative; when none does, report against the closest one, unless
 * none is close: a different type, or a different value of a literal field (a discriminator) of the writer.
 */
function unionReaderGaps(w: JsonSchema, reader: JsonSchema, options: readonly JsonSchema[], path: string, context: Context, depth: number): SchemaGap[] {
  const perOption = options.map((option) => gaps(w, option, path, context, depth + 1))
  if (perOption.some((list) => list.length === 0)) return []
  const writerLiterals = new Set(
    Object.entries(record(w['properties']))
      .filter(([, field]) => typeof field === 'object' && 'const' in field)
      .map(([key]) => (path === '' ? key : `${path}.${key}`)),
  )
  const unrelated = (list: readonly SchemaGap[]): boolean => list.some((gap) => isWholeAt(path)(gap) || (gap.kind === 'value' && writerLiterals.has(gap.path)))
  const related = perOption.filter((list) => !unrelated(list))
  if (related.length > 0) return related.reduce((best, list) => (list.length < best.length ? list : best))
  const overlaps = options.some((option) => typesOverlap(typesOf(w), typesOf(option)))
  return [whole({ path, kind: overlaps ? 'constraint' : 'type', writer: describe(w), reader: describe(reader) })]
}

function plainGaps(w: JsonSchema, r: JsonSchema, path: string, context: Context, depth: number): SchemaGap[] {
  const out: SchemaGap[] = []
  const writerTypes = typesOf(w)
  const readerTypes = typesOf(r)
  if (readerTypes !== null) {
    if (writerTypes === null) return [{ path, kind: 'constraint', writer: describe(w), reader: describe(r) }]
    const fully = writerTypes.filter((t) => typeAccepts(readerTypes, t))
    const partly = writerTypes.filter((t) => t === 'number' && readerTypes.includes('integer'))
    if (fully.length === 0 && partly.length === 0) return [whole({ path, kind: 'type', writer: describe(w), reader: describe(r) })]
    if (fully.length < writerTypes.length) out.push({ path, kind: 'constraint', writer: typesPhrase(writerTypes), reader: typesPhrase(readerTypes) })
  }

  const writerValues = valuesOf(w)
  const readerValues = valuesOf(r)
  if (readerValues) {
    if (writerValues) {
      const rejected = writerValues.filter((value) => !readerValues.some((accepted) => sameValue(value, accepted)))
      if (rejected.length > 0) out.push({ path, kind: 'value', writer: valuesPhrase(writerValues), reader: valuesPhrase(readerValues), values: rejected })
    } else {
      out.push({ path, kind: 'constraint', writer: `any ${writerTypes ? typesPhrase(writerTypes) : 'value'}`, reader: valuesPhrase(readerValues) })
    }
  }
  // A writer with a closed set of values has nothing else to compare: each value is checked above.
  if (writerValues) return out.concat(otherKeywordGaps(w, r, path))

  const shared = (kinds: readonly string[]): boolean =>
    (writerTypes === null || writerTypes.some((t) => kinds.includes(t))) && (readerTypes === null || readerTypes.some((t) => kinds.includes(t)))
  if (shared(['number', 'integer'])) out.push(...numberGaps(w, r, path))
  if (shared(['string'])) out.push(...stringGaps(w, r, path))
  if (shared(['array'])) out.push(...arrayGaps(w, r, path, context, depth))
  if (shared(['object'])) out.push(...objectGaps(w, r, path, context, depth))
  out.push(...allOfGaps(w, r, path, context, depth))
  return out.concat(otherKeywordGaps(w, r, path))
}

function numberGaps(w: JsonSchema, r: JsonSchema, path: string): SchemaGap[] {
  const out: SchemaGap[] = []
  const lw = bound(w, 'minimum', 'exclusiveMinimum')
  const lr = bound(r, 'minimum', 'exclusiveMinimum')
  if (lr && !(lw && (lw.value > lr.value || (lw.value === lr.value && (lw.exclusive || !lr.exclusive))))) {
    out.push({ path, kind: 'constraint', writer: lowerPhrase(lw), reader: lowerPhrase(lr) })
  }
  const uw = bound(w, 'maximum', 'exclusiveMaximum')
  const ur = bound(r, 'maximum', 'exclusiveMaximum')
  if (ur && !(uw && (uw.value < ur.value || (uw.value === ur.value && (uw.exclusive || !ur.exclusive))))) {
    out.push({ path, kind: 'constraint', writer: upperPhrase(uw), reader: upperPhrase(ur) })
  }
  const mr = numberKeyword(r, 'multipleOf')
  if (mr !== undefined) {
    const mw = numberKeyword(w, 'multipleOf')
    if (mw === undefined || !isMultiple(mw, mr))
      out.push({ path, kind: 'constraint', writer: mw === undefined ? 'any multiple' : `a multiple of ${mw}`, reader: `a multiple of ${mr}` })
  }
  return out
}

function stringGaps(w: JsonSchema, r: JsonSchema, path: string): SchemaGap[] {
  const out: SchemaGap[] = []
  out.push(...lengthGaps(w, r, path, 'minLength', 'maxLength', 'characters'))
  const formatReader = typeof r['format'] === 'string' ? r['format'] : undefined
  const formatWriter = typeof w['format'] === 'string' ? w['format'] : undefined
  if (formatReader !== undefined && formatReader !== formatWriter) {
    // A format implies its own pattern in zod's output; one gap says it.
    return out.concat({ path, kind: 'constraint', writer: formatWriter ? `format ${formatWriter}` : 'any text', reader: `format ${formatReader}` })
  }
  const writerPatterns = patternsOf(w)
  const missing = patternsOf(r).filter((pattern) => !writerPatterns.includes(pattern))
  if (missing.length > 0) {
    out.push({ path, kind: 'constraint', writer: patternPhrase(writerPatterns), reader: patternPhrase(patternsOf(r)) })
  }
  return out
}

function arrayGaps(w: JsonSchema, r: JsonSchema, path: string, context: Context, depth: number): SchemaGap[] {
  const out = lengthGaps(w, r, path, 'minItems', 'maxItems', 'items')
  if (r['uniqueItems'] === true && w['uniqueItems'] !== true) out.push({ path, kind: 'constraint', writer: 'repeated items', reader: 'unique items' })
  const writerPrefix = schemaList(w['prefixItems'])
  const readerPrefix = schemaList(r['prefixItems'])
  const writerItems = itemsOf(w)
  const readerItems = itemsOf(r)
  const fixed = Math.max(writerPrefix.length, readerPrefix.length)
  for (let index = 0; index < fixed; index++) {
    out.push(...gaps(writerPrefix[index] ?? writerItems, readerPrefix[index] ?? readerItems, `${path}[${index}]`, context, depth + 1))
  }
  // Past the tuple, a closed reader is covered by maxItems above.
  if (writerItems !== false && readerItems !== false)
    out.push(...gaps(writerItems, readerItems, fixed === 0 ? `${path}[]` : `${path}[${fixed}+]`, context, depth + 1))
  return out
}

function objectGaps(w: JsonSchema, r: JsonSchema, path: string, context: Context, depth: number): SchemaGap[] {
  const out: SchemaGap[] = []
  const writerFields = record(w['properties'])
  const readerFields = record(r['properties'])
  const writerRequired = new Set(stringList(w['required']))
  const readerRequired = new Set(stringList(r['required']))
  // What the writer may send under keys it does not declare (null: nothing), and what the reader checks them against (true: anything).
  const writerExtra: Node | null = w['additionalProperties'] === false ? null : ((w['additionalProperties'] as Node | undefined) ?? true)
  const readerExtra: Node = r['additionalProperties'] === undefined || r['additionalProperties'] === false ? true : (r['additionalProperties'] as Node)
  const keys = [...new Set([...Object.keys(writerFields), ...Object.keys(readerFields)])].sort()
  for (const key of keys) {
    const at = path === '' ? key : `${path}.${key}`
    const inWriter = key in writerFields
    const inReader = key in readerFields
    if (inReader && readerRequired.has(key)) {
      if (!inWriter) out.push({ path: at, kind: 'field-absent', writer: 'no such field', reader: 'required' })
      else if (!writerRequired.has(key)) out.push({ path: at, kind: 'field-optional', writer: 'optional', reader: 'required' })
    }
    if (inWriter && inReader) out.push(...gaps(writerFields[key]!, readerFields[key]!, at, context, depth + 1))
    else if (inWriter && readerExtra !== true) out.push(...gaps(writerFields[key]!, readerExtra, at, context, depth + 1))
    else if (inReader && writerExtra !== null) out.push(...gaps(writerExtra, readerFields[key]!, at, context, depth + 1))
  }
  if (writerExtra !== null && readerExtra !== true) out.push(...gaps(writerExtra, readerExtra, path === '' ? '*' : `${path}.*`, context, depth + 1))
  const readerKeys = r['propertyNames'] as Node | undefined
  if (readerKeys !== undefined && writerExtra !== null) {
    const writerKeys = (w['propertyNames'] as Node | undefined) ?? true
    for (const gap of gaps(writerKeys, readerKeys, path, context, depth + 1))
      out.push({ ...gap, writer: `keys of ${gap.writer}`, reader: `keys of ${gap.reader}` })
  }
  return out
}

/** Reader `allOf` members (other than zod's extra patterns) must each hold; a writer's are merged into it. */
function allOfGaps(w: JsonSchema, r: JsonSchema, path: string, context: Context, depth: number): SchemaGap[] {
  const readerParts = schemaList(r['allOf']).filter((part) => !isPatternOnly(part))
  if (readerParts.length === 0) return []
  const writerParts = schemaList(w['allOf']).filter((part) => !isPatternOnly(part))
  const { allOf: _ignored, ...writerRest } = w
  const merged: JsonSchema = Object.assign({}, writerRest, ...writerParts.map((part) => (typeof part === 'object' ? part : {})))
  return readerParts.flatMap((part) => gaps(merged, part, path, context, depth + 1))
}

/** A keyword this module does not model rejects differently unless both sides say the same. */
function otherKeywordGaps(w: JsonSchema, r: JsonSchema, path: string): SchemaGap[] {
  const out: SchemaGap[] = []
  for (const key of Object.keys(r).sort()) {
    if (judged.has(key) || annotations.has(key)) continue
    if (w[key] !== undefined && canonicalJson(w[key]) === canonicalJson(r[key])) continue
    out.push({
      path,
      kind: 'constraint',
      writer: w[key] === undefined ? `no ${key}` : `${key} ${canonicalJson(w[key])}`,
      reader: `${key} ${canonicalJson(r[key])}`,
    })
  }
  return out
}

// ---- reading schemas ----

function resolve(node: Node, root: JsonSchema): Node {
  let current: Node = node
  for (let hops = 0; hops < 32 && typeof current === 'object' && typeof current['$ref'] === 'string'; hops++) {
    const target = pointer(root, current['$ref'])
    if (target === undefined) return current
    const { $ref: _ref, ...siblings } = current
    current = Object.keys(siblings).length === 0 || typeof target !== 'object' ? target : { ...target, ...siblings }
  }
  return current
}

function pointer(root: JsonSchema, ref: string): Node | undefined {
  if (ref === '#') return root
  if (!ref.startsWith('#/')) return undefined
  let value: unknown = root
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return typeof value === 'boolean' || (typeof value === 'object' && value !== null) ? (value as Node) : undefined
}

function isUnconstrained(schema: JsonSchema): boolean {
  return Object.keys(schema).every((key) => annotations.has(key))
}

/** anyOf/oneOf members, with any sibling keywords applied to each. */
function alternatives(schema: JsonSchema): JsonSchema[] | null {
  const list = nodeList(schema['anyOf']).concat(nodeList(schema['oneOf']))
  if (list.length === 0) return null
  const { anyOf: _a, oneOf: _o, ...siblings } = schema
  const extra = Object.fromEntries(Object.entries(siblings).filter(([key]) => !annotations.has(key)))
  return list.map((option) => (option === true ? { ...extra } : option === false ? { not: {} } : { ...extra, ...option }))
}

type JsonType = 'null' | 'boolean' | 'object' | 'array' | 'number' | 'integer' | 'string'
const jsonTypes: readonly JsonType[] = ['null', 'boolean', 'object', 'array', 'number', 'integer', 'string']

/** The JSON types a schema allows; null when it does not limit them. */
function typesOf(schema: JsonSchema): JsonType[] | null {
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

function typeAccepts(readerTypes: readonly JsonType[], type: JsonType): boolean {
  return readerTypes.includes(type) || (type === 'integer' && readerTypes.includes('number'))
}

function typesOverlap(a: readonly JsonType[] | null, b: readonly JsonType[] | null): boolean {
  if (a === null || b === null) return true
  return a.some((t) => typeAccepts(b, t) || (t === 'number' && b.includes('integer')))
}

function valuesOf(schema: JsonSchema): unknown[] | null {
  if ('const' in schema) return [schema['const']]
  return Array.isArray(schema['enum']) ? (schema['enum'] as unknown[]) : null
}

function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b)
}

interface Bound {
  readonly value: number
  readonly exclusive: boolean
}

function bound(schema: JsonSchema, inclusiveKey: string, exclusiveKey: string): Bound | null {
  const inclusive = numberKeyword(schema, inclusiveKey)
  const exclusive = numberKeyword(schema, exclusiveKey)
  const candidates: Bound[] = []
  if (inclusive !== undefined && !implicitBounds.has(inclusive)) candidates.push({ value: inclusive, exclusive: false })
  if (exclusive !== undefined) candidates.push({ value: exclusive, exclusive: true })
  if (candidates.length === 0) return null
  const lower = inclusiveKey === 'minimum'
  return candidates.reduce((tighter, b) =>
    (lower ? b.value > tighter.value : b.value < tighter.value) || (b.value === tighter.value && b.exclusive) ? b : tighter,
  )
}

function numberKeyword(schema: JsonSchema, key: string): number | undefined {
  const value = schema[key]
  return typeof value === 'number' ? value : undefined
}

function isMultiple(value: number, of: number): boolean {
  const ratio = value / of
  return Math.abs(ratio - Math.round(ratio)) < 1e-9
}

function lengthGaps(w: JsonSchema, r: JsonSchema, path: string, minKey: string, maxKey: string, unit: string): SchemaGap[] {
  const out: SchemaGap[] = []
  const minWriter = numberKeyword(w, minKey) ?? 0
  const minReader = numberKeyword(r, minKey) ?? 0
  if (minWriter < minReader)
    out.push({
      path,
      kind: 'constraint',
      writer: minWriter === 0 ? `any number of ${unit}` : `at least ${minWriter} ${unit}`,
      reader: `at least ${minReader} ${unit}`,
    })
  const maxWriter = numberKeyword(w, maxKey)
  const maxReader = numberKeyword(r, maxKey)
  if (maxReader !== undefined && (maxWriter === undefined || maxWriter > maxReader)) {
    out.push({
      path,
      kind: 'constraint',
      writer: maxWriter === undefined ? `any number of ${unit}` : `at most ${maxWriter} ${unit}`,
      reader: `at most ${maxReader} ${unit}`,
    })
  }
  return out
}

/** `pattern` plus zod's further patterns, which it writes as `allOf: [{ pattern }]`. */
function patternsOf(schema: JsonSchema): string[] {
  const own = typeof schema['pattern'] === 'string' ? [schema['pattern']] : []
  const more = schemaList(schema['allOf']).flatMap((part) => (isPatternOnly(part) && typeof part === 'object' ? [part['pattern'] as string] : []))
  return [...new Set([...own, ...more])]
}

function isPatternOnly(part: Node): boolean {
  return typeof part === 'object' && typeof part['pattern'] === 'string' && Object.keys(part).every((key) => key === 'pattern' || annotations.has(key))
}

function itemsOf(schema: JsonSchema): Node {
  const items = schema['items']
  return typeof items === 'boolean' || (typeof items === 'object' && items !== null && !Array.isArray(items)) ? (items as Node) : true
}

function schemaList(value: unknown): JsonSchema[] {
  return Array.isArray(value) ? value.filter((v): v is JsonSchema => typeof v === 'object' && v !== null) : []
}

function nodeList(value: unknown): Node[] {
  return Array.isArray(value) ? value.filter((v): v is Node => typeof v === 'boolean' || (typeof v === 'object' && v !== null)) : []
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

function record(value: unknown): Record<string, Node> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, Node>) : {}
}

// ---- phrases ----

/** A short description of what a schema allows: `integer`, `string or null`, `one of 'a', 'b'`, `array of string`. */
export function describe(node: Node, depth = 0): string {
  if (node === true) return 'any value'
  if (node === false) return 'nothing'
  const options = alternatives(node)
  if (options) return depth > 1 ? 'one of several shapes' : listOr(options.map((option) => describe(option, depth + 1)))
  const values = valuesOf(node)
  if (values) return valuesPhrase(values)
  const types = typesOf(node)
  if (types === null) return 'any value'
  if (types.length === 1 && types[0] === 'array' && depth < 2) return `array of ${describe(itemsOf(node), depth + 1)}`
  if (types.length === 1 && types[0] === 'object') {
    // Name a union's object alternatives by their literal fields (discriminators): `object with kind 'cash'`.
    const literals = Object.entries(record(node['properties'])).flatMap(([key, field]) =>
      typeof field === 'object' && 'const' in field ? [`${key} ${valuePhrase(field['const'])}`] : [],
    )
    if (literals.length > 0) return `object with ${listPhrase(literals)}`
  }
  return typesPhrase(types)
}

function typesPhrase(types: readonly JsonType[]): string {
  return listOr([...types])
}

function valuesPhrase(values: readonly unknown[]): string {
  return values.length === 1 ? valuePhrase(values[0]) : `one of ${values.map(valuePhrase).join(', ')}`
}

function listOr(items: readonly string[]): string {
  return listPhrase(items, 'or')
}

function lowerPhrase(b: Bound | null): string {
  return b === null ? 'no minimum' : `${b.exclusive ? 'more than' : 'at least'} ${b.value}`
}

function upperPhrase(b: Bound | null): string {
  return b === null ? 'no maximum' : `${b.exclusive ? 'less than' : 'at most'} ${b.value}`
}

function patternPhrase(patterns: readonly string[]): string {
  return patterns.length === 0 ? 'any text' : `text matching ${patterns.map((p) => `/${p}/`).join(' and ')}`
}

function unique(list: readonly SchemaGap[]): SchemaGap[] {
  const seen = new Set<string>()
  return list.filter((gap) => {
    const key = canonicalJson(gap)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
