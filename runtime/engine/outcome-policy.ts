/**
 * What stays of a flow that ended, decided in one place for flows that finish and flows that are killed:
 * `keepFinishedFlows: true` keeps every flow's row with its outcome and its journal; 'started' keeps only
 * the outcome rows of flows started on this node (so a flow id given by a client runs once and its result
 * can be asked for later); false keeps nothing.
 */
import { FlowException } from '../protocol/session/session-errors.js'
import { decode, encode } from '../store/codec.js'
import type { FlowRetention } from '../store/flow-store.js'

export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown }

export type KeepFinishedFlows = boolean | 'started'

export class OutcomePolicy {
  constructor(private readonly keep: KeepFinishedFlows = false) {}

  /** The row to keep for a flow of `kind` that ended with `outcome`; null when nothing stays. */
  retention(kind: 'started' | 'responder', outcome: Outcome): FlowRetention | null {
    const keep = this.keep
    if (!(keep === true || (keep === 'started' && kind === 'started'))) return null
    return { status: outcome.ok ? 'done' : 'failed', outcome: encodeOutcome(outcome), keepJournal: keep === true }
  }
}

/** A stored outcome: errors keep their name and message (and a FlowException its type and details), not their class. */
export function encodeOutcome(outcome: Outcome): Buffer {
  if (outcome.ok) return encode(outcome)
  const error = outcome.error
  if (error instanceof FlowException)
    return encode({ ok: false, error: { name: error.name, message: error.message, errorType: error.errorType, details: error.details } })
  return encode({ ok: false, error: { name: (error as Error)?.name ?? 'Error', message: (error as Error)?.message ?? String(error) } })
}

export function decodeOutcome(bytes: Buffer): Outcome {
  return decode<Outcome>(bytes)
}
