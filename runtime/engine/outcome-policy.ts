/**
 * What stays of a flow that ended, decided in one place for flows that finish and flows that are killed:
 * `keepFinishedFlows: true` keeps every flow's row with its outcome and its journal; 'started' keeps only
 * the outcome rows of flows started on this node (so a flow id given by a client runs once and its result
 * can be asked for later); false keeps nothing. Kept outcomes are versioned JSON (kept-outcome.ts) and
 * stay until `node.removeOutcome` removes them. Flows started with a client id keep their outcome in any case
 * (client-ids.ts), until `node.removeClientId`.
 */
import type { FlowRetention } from '../store/flow-store.js'
import { type Outcome, keptOutcomeText } from './kept-outcome.js'

export type { Outcome } from './kept-outcome.js'

export type KeepFinishedFlows = boolean | 'started'

export class OutcomePolicy {
  constructor(private readonly keep: KeepFinishedFlows = false) {}

  /**
   * The row to keep for a flow of `kind` that ended with `outcome`; null when nothing stays. A flow started
   * with a client id keeps its outcome whatever the policy (until removeClientId), its journal only with `true`.
   */
  retention(kind: 'started' | 'responder', outcome: Outcome, clientId = false): FlowRetention | null {
    const keep = this.keep
    if (!(clientId || keep === true || (keep === 'started' && kind === 'started'))) return null
    const kept = keptOutcomeText(outcome)
    return { status: kept.failed ? 'failed' : 'done', outcome: kept.text, keepJournal: keep === true }
  }
}
