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
  try {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'throw', io: 'input' }) as Record<string, unknown>
    return rest
  } catch {
    // The IR accepted the output side; an input side zod cannot write as JSON Schema is typed as the output.
    return output
  }
}
