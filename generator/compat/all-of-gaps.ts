/** `allOf`: each reader member (other than zod's extra patterns) must hold; a writer's members are merged into it. */
import type { JsonSchema } from '../../runtime/protocol/ir/protocol-ir.js'
import { isPatternOnly, schemaList } from './read-schema.js'
import type { GapContext, SchemaGap } from './schema-gap.js'

export function allOfGaps(w: JsonSchema, r: JsonSchema, path: string, context: GapContext, depth: number): SchemaGap[] {
  const readerParts = schemaList(r['allOf']).filter((part) => !isPatternOnly(part))
  if (readerParts.length === 0) return []
  const writerParts = schemaList(w['allOf']).filter((part) => !isPatternOnly(part))
  const { allOf: _ignored, ...writerRest } = w
  const merged: JsonSchema = Object.assign({}, writerRest, ...writerParts.map((part) => (typeof part === 'object' ? part : {})))
  return readerParts.flatMap((part) => context.gaps(merged, part, path, depth + 1))
}
