/**
 * String constraints: length, `format` and patterns. Regular expressions are compared as text: a reader
 * pattern the writer does not also have is a gap.
 */
import type { JsonSchema } from '../../runtime/protocol/ir/protocol-ir.js'
import { lengthGaps } from './length-gaps.js'
import { patternsOf } from './read-schema.js'
import type { SchemaGap } from './schema-gap.js'

export function stringGaps(w: JsonSchema, r: JsonSchema, path: string): SchemaGap[] {
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

function patternPhrase(patterns: readonly string[]): string {
  return patterns.length === 0 ? 'any text' : `text matching ${patterns.map((p) => `/${p}/`).join(' and ')}`
}
