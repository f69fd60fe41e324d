/** Keywords the schema comparison does not model: a reader's rejects differently unless the writer says the same. */
import { canonicalJson } from '../../runtime/protocol/ir/canonical-json.js'
import type { JsonSchema } from '../../runtime/protocol/ir/protocol-ir.js'
import { annotations } from './read-schema.js'
import type { SchemaGap } from './schema-gap.js'

/** Keywords the schema comparison judges; any other keyword on the reader must be equal on the writer. */
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

export function otherKeywordGaps(w: JsonSchema, r: JsonSchema, path: string): SchemaGap[] {
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
