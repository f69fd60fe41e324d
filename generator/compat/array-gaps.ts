/** Arrays: length and uniqueness, then each tuple position (`pair[1]`) and the items past them (`lines[]`, `pair[2+]`). */
import type { JsonSchema } from '../../runtime/protocol/ir/protocol-ir.js'
import { lengthGaps } from './length-gaps.js'
import { itemsOf, schemaList } from './read-schema.js'
import type { GapContext, SchemaGap } from './schema-gap.js'

export function arrayGaps(w: JsonSchema, r: JsonSchema, path: string, context: GapContext, depth: number): SchemaGap[] {
  const out = lengthGaps(w, r, path, 'minItems', 'maxItems', 'items')
  if (r['uniqueItems'] === true && w['uniqueItems'] !== true) out.push({ path, kind: 'constraint', writer: 'repeated items', reader: 'unique items' })
  const writerPrefix = schemaList(w['prefixItems'])
  const readerPrefix = schemaList(r['prefixItems'])
  const writerItems = itemsOf(w)
  const readerItems = itemsOf(r)
  const fixed = Math.max(writerPrefix.length, readerPrefix.length)
  for (let index = 0; index < fixed; index++) {
    out.push(...context.gaps(writerPrefix[index] ?? writerItems, readerPrefix[index] ?? readerItems, `${path}[${index}]`, depth + 1))
  }
  // Past the tuple, a closed reader is covered by maxItems above.
  if (writerItems !== false && readerItems !== false)
    out.push(...context.gaps(writerItems, readerItems, fixed === 0 ? `${path}[]` : `${path}[${fixed}+]`, depth + 1))
  return out
}
