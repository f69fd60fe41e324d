/**
 * Objects: fields the reader requires, each field present on both sides, and the keys neither declares.
 *
 * Readers parse with zod, which drops the keys an object does not declare, so an object's
 * `additionalProperties: false` closes it for its writer (its output never has extra keys) but not for
 * its reader; an open object (`z.looseObject`, records) checks its extra values.
 */
import type { JsonSchema } from '../../runtime/protocol/ir/protocol-ir.js'
import { record, stringList } from './read-schema.js'
import type { GapContext, SchemaGap, SchemaNode } from './schema-gap.js'

export function objectGaps(w: JsonSchema, r: JsonSchema, path: string, context: GapContext, depth: number): SchemaGap[] {
  const out: SchemaGap[] = []
  const writerFields = record(w['properties'])
  const readerFields = record(r['properties'])
  const writerRequired = new Set(stringList(w['required']))
  const readerRequired = new Set(stringList(r['required']))
  // What the writer may send under keys it does not declare (null: nothing), and what the reader checks them against (true: anything).
  const writerExtra: SchemaNode | null = w['additionalProperties'] === false ? null : ((w['additionalProperties'] as SchemaNode | undefined) ?? true)
  const readerExtra: SchemaNode =
    r['additionalProperties'] === undefined || r['additionalProperties'] === false ? true : (r['additionalProperties'] as SchemaNode)
  const keys = [...new Set([...Object.keys(writerFields), ...Object.keys(readerFields)])].sort()
  for (const key of keys) {
    const at = path === '' ? key : `${path}.${key}`
    const inWriter = key in writerFields
    const inReader = key in readerFields
    if (inReader && readerRequired.has(key)) {
      if (!inWriter) out.push({ path: at, kind: 'field-absent', writer: 'no such field', reader: 'required' })
      else if (!writerRequired.has(key)) out.push({ path: at, kind: 'field-optional', writer: 'optional', reader: 'required' })
    }
    if (inWriter && inReader) out.push(...context.gaps(writerFields[key]!, readerFields[key]!, at, depth + 1))
    else if (inWriter && readerExtra !== true) out.push(...context.gaps(writerFields[key]!, readerExtra, at, depth + 1))
    else if (inReader && writerExtra !== null) out.push(...context.gaps(writerExtra, readerFields[key]!, at, depth + 1))
  }
  if (writerExtra !== null && readerExtra !== true) out.push(...context.gaps(writerExtra, readerExtra, path === '' ? '*' : `${path}.*`, depth + 1))
  const readerKeys = r['propertyNames'] as SchemaNode | undefined
  if (readerKeys !== undefined && writerExtra !== null) {
    const writerKeys = (w['propertyNames'] as SchemaNode | undefined) ?? true
    for (const gap of context.gaps(writerKeys, readerKeys, path, depth + 1))
      out.push({ ...gap, writer: `keys of ${gap.writer}`, reader: `keys of ${gap.reader}` })
  }
  return out
}
