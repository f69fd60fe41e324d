/**
 * Whether every payload a writer's JSON Schema allows is accepted by a reader's: the gaps where it is
 * not. Compatibility runs it both ways per message (a locked writer with a current reader, and a current
 * writer with a locked reader).
 *
 * The schemas are zod output schemas. This module walks the two schemas side by side (following `$ref`s,
 * stopping at recursion) and settles their types; unions, values, numbers, strings, arrays, objects,
 * `allOf` and the remaining keywords are each compared in a module of their own.
 */
import { canonicalJson } from '../../runtime/protocol/ir/canonical-json.js'
import type { JsonSchema } from '../../runtime/protocol/ir/protocol-ir.js'
import { allOfGaps } from './all-of-gaps.js'
import { arrayGaps } from './array-gaps.js'
import { typeAccepts, typesOf, valuesOf } from './json-types.js'
import { numberGaps } from './number-gaps.js'
import { objectGaps } from './object-gaps.js'
import { otherKeywordGaps } from './other-keyword-gaps.js'
import { alternatives, isUnconstrained, resolve } from './read-schema.js'
import { type GapContext, type SchemaGap, type SchemaNode, whole } from './schema-gap.js'
import { describe, typesPhrase } from './schema-phrases.js'
import { stringGaps } from './string-gaps.js'
import { unionReaderGaps, unionWriterGaps } from './union-gaps.js'
import { valueGaps } from './value-gaps.js'

export type { GapKind, SchemaGap } from './schema-gap.js'

const maxDepth = 64

export function schemaGaps(writer: JsonSchema, reader: JsonSchema): SchemaGap[] {
  const context: GapContext = {
    writerRoot: writer,
    readerRoot: reader,
    comparing: new Map(),
    gaps: (writerNode, readerNode, path, depth) => gaps(writerNode, readerNode, path, context, depth),
  }
  return unique(gaps(writer, reader, '', context, 0))
}

function gaps(writerNode: SchemaNode, readerNode: SchemaNode, path: string, context: GapContext, depth: number): SchemaGap[] {
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

function plainGaps(w: JsonSchema, r: JsonSchema, path: string, context: GapContext, depth: number): SchemaGap[] {
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

  out.push(...valueGaps(w, r, path, writerTypes))
  // A writer with a closed set of values has nothing else to compare: each value is checked above.
  if (valuesOf(w)) return out.concat(otherKeywordGaps(w, r, path))

  const shared = (kinds: readonly string[]): boolean =>
    (writerTypes === null || writerTypes.some((t) => kinds.includes(t))) && (readerTypes === null || readerTypes.some((t) => kinds.includes(t)))
  if (shared(['number', 'integer'])) out.push(...numberGaps(w, r, path))
  if (shared(['string'])) out.push(...stringGaps(w, r, path))
  if (shared(['array'])) out.push(...arrayGaps(w, r, path, context, depth))
  if (shared(['object'])) out.push(...objectGaps(w, r, path, context, depth))
  out.push(...allOfGaps(w, r, path, context, depth))
  return out.concat(otherKeywordGaps(w, r, path))
}

/** The same gap reached along two routes (a union's alternatives, `allOf` members) is reported once. */
function unique(list: readonly SchemaGap[]): SchemaGap[] {
  const seen = new Set<string>()
  return list.filter((gap) => {
    const key = canonicalJson(gap)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}
