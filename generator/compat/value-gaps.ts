/** Enumerated values (`enum`, `const`): the values a writer may send that the reader does not list. */
import type { JsonSchema } from '../../runtime/protocol/ir/protocol-ir.js'
import { type JsonType, sameValue, valuesOf } from './json-types.js'
import type { SchemaGap } from './schema-gap.js'
import { typesPhrase, valuesPhrase } from './schema-phrases.js'

export function valueGaps(w: JsonSchema, r: JsonSchema, path: string, writerTypes: readonly JsonType[] | null): SchemaGap[] {
  const writerValues = valuesOf(w)
  const readerValues = valuesOf(r)
  if (!readerValues) return []
  if (!writerValues)
    return [{ path, kind: 'constraint', writer: `any ${writerTypes ? typesPhrase(writerTypes) : 'value'}`, reader: valuesPhrase(readerValues) }]
  const rejected = writerValues.filter((value) => !readerValues.some((accepted) => sameValue(value, accepted)))
  return rejected.length > 0 ? [{ path, kind: 'value', writer: valuesPhrase(writerValues), reader: valuesPhrase(readerValues), values: rejected }] : []
}
