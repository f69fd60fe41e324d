/**
 * How a kept outcome (the `flows.outcome` column, see the node's keepFinishedFlows) is stored: versioned
 * JSON text any program can read, with values in tagged JSON (runtime/codec/tagged-json.ts) so bigint,
 * Date, Map, Set, Uint8Array and undefined survive:
 *
 *   {"v":1,"ok":true,"value":...}
 *   {"v":1,"ok":false,"error":{"code":...,"name":...,"message":...,"protocol":...,"errorType":...,"details":...,"peer":...}}
 *
 * An error is kept as data: `code` for a Colloquy error (absent for any other error), `name` and `message`
 * always, and for a FlowException its protocol, declared type, details and, when it came from a
 * counterparty, `peer`. Which class that data becomes again is the engine's business
 * (runtime/engine/kept-outcome.ts); the store only keeps the text.
 */
import { type MalformedTaggedJson, decodeTaggedJson, encodeTaggedJson } from '../codec/tagged-json.js'

/** The format version written in `v`; a reader refuses versions it does not know. */
export const STORED_OUTCOME_VERSION = 1

export interface StoredError {
  /** The stable code of a Colloquy error; absent for any other error. */
  readonly code?: string
  readonly name: string
  readonly message: string
  /** A FlowException's protocol, declared type and details. */
  readonly protocol?: string
  readonly errorType?: string
  readonly details?: unknown
  /** A FlowException received from a counterparty: who raised it. */
  readonly peer?: string
}

export type StoredOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: StoredError }

/** The text kept for `outcome`; throws when a value cannot be written as JSON (a cycle). */
export function writeStoredOutcome(outcome: StoredOutcome): string {
  return encodeTaggedJson({ v: STORED_OUTCOME_VERSION, ...outcome })
}

/** Reads text written by `writeStoredOutcome`; text that is not such an outcome throws what `malformed` builds. */
export function readStoredOutcome(text: string, malformed: MalformedTaggedJson): StoredOutcome {
  const read = decodeTaggedJson(text, [], malformed) as Record<string, unknown> | null
  if (typeof read !== 'object' || read === null || Array.isArray(read)) throw malformed('not a JSON object')
  if (read.v !== STORED_OUTCOME_VERSION) {
    throw malformed(
      typeof read.v === 'number' && read.v > STORED_OUTCOME_VERSION
        ? `format version ${read.v}, newer than this runtime's ${STORED_OUTCOME_VERSION}`
        : `no known format version (v: ${JSON.stringify(read.v)})`,
    )
  }
  if (read.ok === true) return { ok: true, value: read.value }
  const error = read.error as Record<string, unknown> | null | undefined
  if (read.ok !== false || typeof error !== 'object' || error === null || typeof error.name !== 'string' || typeof error.message !== 'string') {
    throw malformed('neither a value nor an error with a name and a message')
  }
  return { ok: false, error: error as unknown as StoredError }
}
