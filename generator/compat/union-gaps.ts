/** Unions (`anyOf`, `oneOf`) on either side: which of the writer's alternatives fit the reader, or which reader alternative the writer fits. */
import type { JsonSchema } from '../../runtime/protocol/ir/protocol-ir.js'
import { typesOf, typesOverlap } from './json-types.js'
import { record } from './read-schema.js'
import { type GapContext, isWholeAt, type SchemaGap, whole } from './schema-gap.js'
import { describe } from './schema-phrases.js'

/** Every alternative the writer may send must fit; alternatives the reader has no shape for make it wider, not different. */
export function unionWriterGaps(
  w: JsonSchema,
  options: readonly JsonSchema[],
  reader: JsonSchema,
  path: string,
  context: GapContext,
  depth: number,
): SchemaGap[] {
  const perOption = options.map((option) => context.gaps(option, reader, path, depth + 1))
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
export function unionReaderGaps(
  w: JsonSchema,
  reader: JsonSchema,
  options: readonly JsonSchema[],
  path: string,
  context: GapContext,
  depth: number,
): SchemaGap[] {
  const perOption = options.map((option) => context.gaps(w, option, path, depth + 1))
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
