/**
 * A gap between a writer's and a reader's JSON Schema: a place where the writer may send a value the
 * reader rejects. What each keyword's comparison returns, and the comparison in progress they share.
 */
import type { JsonSchema } from '../../runtime/protocol/ir/protocol-ir.js'

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

/** A schema, or a boolean schema: true accepts anything, false nothing. */
export type SchemaNode = JsonSchema | boolean

/** One writer/reader comparison under way, handed to each keyword's comparison. */
export interface GapContext {
  readonly writerRoot: JsonSchema
  readonly readerRoot: JsonSchema
  /** Writer/reader pairs on the current comparison path. */
  readonly comparing: Map<object, Set<object>>
  /**
   * Compares a nested writer/reader pair. It is the entry point's own walk, handed down so that the
   * comparisons of arrays, objects and unions need not import it back.
   */
  readonly gaps: (writer: SchemaNode, reader: SchemaNode, path: string, depth: number) => SchemaGap[]
}

/**
 * Gaps that say the value's whole shape is not accepted there (a type with nothing in common, or no
 * alternative of a union close enough to compare field by field), as opposed to a difference inside it.
 */
const wholeShape = new WeakSet<SchemaGap>()

export function whole(gap: SchemaGap): SchemaGap {
  wholeShape.add(gap)
  return gap
}

export const isWholeAt =
  (path: string) =>
  (gap: SchemaGap): boolean =>
    gap.path === path && wholeShape.has(gap)
