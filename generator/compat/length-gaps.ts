/** Length constraints of strings and arrays: the writer's minimum and maximum must lie within the reader's. */
import type { JsonSchema } from '../../runtime/protocol/ir/protocol-ir.js'
import { numberKeyword } from './read-schema.js'
import type { SchemaGap } from './schema-gap.js'

/** `unit` names what is counted in the phrases: `at least 2 characters`, `at most 10 items`. */
export function lengthGaps(w: JsonSchema, r: JsonSchema, path: string, minKey: string, maxKey: string, unit: string): SchemaGap[] {
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
