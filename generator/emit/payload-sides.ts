/**
 * The two sides of a payload schema. A sender writes the schema's input (a `.default()` field may be left
 * out, a `.optional()` or `.default()` payload may be `undefined`); a receiver reads its output, which is
 * what the sender's `send()` parsed and sent. The output side is the JSON Schema recorded in the IR; the
 * input side is asked of zod with `io: 'input'`, outside the IR, so definition hashes do not change.
 */
import { z } from 'zod'
import type { Schema } from '../../runtime/protocol/dsl/session-type.js'
import type { JsonSchema } from '../../runtime/protocol/ir/index.js'

export interface PayloadSide {
  readonly schema: JsonSchema
  /** The payload itself may be `undefined` on this side (zod's `optin` / `optout`). */
  readonly undefinable: boolean
}

export interface PayloadSides {
  readonly input: PayloadSide
  readonly output: PayloadSide
}

interface Optionality {
  readonly _zod?: { readonly optin?: string; readonly optout?: string }
}

export function payloadSides(schema: Schema, output: JsonSchema): PayloadSides {
  const internals = (schema as Optionality)._zod
  return {
    input: { schema: inputSchema(schema, output), undefinable: internals?.optin !== undefined },
    output: { schema: output, undefinable: internals?.optout !== undefined },
  }
}

function inputSchema(schema: Schema, output: JsonSchema): JsonSchema {
  if (!hasSidedPart(schema, new Set())) return output
  try {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'throw', io: 'input' }) as Record<string, unknown>
    return rest
  } catch {
    // The IR accepted the output side; an input side zod cannot write as JSON Schema is typed as the output.
    return output
  }
}

/** The kinds of zod schema whose input differs from their output (in what JSON Schema can say). */
const sided = new Set(['default', 'prefault', 'catch', 'pipe', 'transform'])

interface Internals {
  readonly _zod: { readonly def: Readonly<Record<string, unknown>> & { readonly type?: string } }
}

const isSchema = (value: unknown): value is Internals =>
  typeof value === 'object' && value !== null && typeof (value as Partial<Internals>)._zod?.def === 'object'

/**
 * Whether any part of `schema` reads differently as input and output. Asking zod for the input side costs
 * a JSON Schema conversion per message; most payloads have no such part and reuse the output side.
 */
function hasSidedPart(schema: unknown, seen: Set<unknown>): boolean {
  if (!isSchema(schema) || seen.has(schema)) return false
  seen.add(schema)
  const { def } = schema._zod
  if (sided.has(def.type ?? '')) return true
  if (def.type === 'lazy') return hasSidedPart((def.getter as () => unknown)(), seen)
  for (const value of Object.values(def)) {
    const parts = Array.isArray(value) ? value : isSchema(value) ? [value] : typeof value === 'object' && value !== null ? Object.values(value) : []
    if (parts.some((part) => hasSidedPart(part, seen))) return true
  }
  return false
}
