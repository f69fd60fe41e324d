/** Numeric constraints: the writer's bounds must lie within the reader's, and its `multipleOf` be a multiple of the reader's. */
import type { JsonSchema } from '../../runtime/protocol/ir/protocol-ir.js'
import { numberKeyword } from './read-schema.js'
import type { SchemaGap } from './schema-gap.js'

/** zod adds the safe-integer range to every integer; it is not a choice the author made. */
const implicitBounds = new Set([Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER])

export function numberGaps(w: JsonSchema, r: JsonSchema, path: string): SchemaGap[] {
  const out: SchemaGap[] = []
  const lw = bound(w, 'minimum', 'exclusiveMinimum')
  const lr = bound(r, 'minimum', 'exclusiveMinimum')
  if (lr && !(lw && (lw.value > lr.value || (lw.value === lr.value && (lw.exclusive || !lr.exclusive))))) {
    out.push({ path, kind: 'constraint', writer: lowerPhrase(lw), reader: lowerPhrase(lr) })
  }
  const uw = bound(w, 'maximum', 'exclusiveMaximum')
  const ur = bound(r, 'maximum', 'exclusiveMaximum')
  if (ur && !(uw && (uw.value < ur.value || (uw.value === ur.value && (uw.exclusive || !ur.exclusive))))) {
    out.push({ path, kind: 'constraint', writer: upperPhrase(uw), reader: upperPhrase(ur) })
  }
  const mr = numberKeyword(r, 'multipleOf')
  if (mr !== undefined) {
    const mw = numberKeyword(w, 'multipleOf')
    if (mw === undefined || !isMultiple(mw, mr))
      out.push({ path, kind: 'constraint', writer: mw === undefined ? 'any multiple' : `a multiple of ${mw}`, reader: `a multiple of ${mr}` })
  }
  return out
}

interface Bound {
  readonly value: number
  readonly exclusive: boolean
}

function bound(schema: JsonSchema, inclusiveKey: string, exclusiveKey: string): Bound | null {
  const inclusive = numberKeyword(schema, inclusiveKey)
  const exclusive = numberKeyword(schema, exclusiveKey)
  const candidates: Bound[] = []
  if (inclusive !== undefined && !implicitBounds.has(inclusive)) candidates.push({ value: inclusive, exclusive: false })
  if (exclusive !== undefined) candidates.push({ value: exclusive, exclusive: true })
  if (candidates.length === 0) return null
  const lower = inclusiveKey === 'minimum'
  return candidates.reduce((tighter, b) =>
    (lower ? b.value > tighter.value : b.value < tighter.value) || (b.value === tighter.value && b.exclusive) ? b : tighter,
  )
}

function isMultiple(value: number, of: number): boolean {
  const ratio = value / of
  return Math.abs(ratio - Math.round(ratio)) < 1e-9
}

function lowerPhrase(b: Bound | null): string {
  return b === null ? 'no minimum' : `${b.exclusive ? 'more than' : 'at least'} ${b.value}`
}

function upperPhrase(b: Bound | null): string {
  return b === null ? 'no maximum' : `${b.exclusive ? 'less than' : 'at most'} ${b.value}`
}
