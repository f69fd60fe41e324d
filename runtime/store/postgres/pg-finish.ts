/**
 * The statements that finish flows: one prepared statement per shape (which of the flow's tables it
 * touched, whether its row stays with its outcome), built once per shape and kept (pg-flow-store.ts
 * `finishFlow`). The deletes are data-modifying CTEs on the flow's tables, then the row's delete or update.
 */
import type { FlowRetention, TouchedTables } from '../flow-store.js'
import { qualified } from './pg-schema.js'

/** What finishFlow deletes besides the flow's row (journal unless kept, sessions always, the rest when touched). */
export interface FinishShape {
  readonly journal: boolean
  readonly inbox: boolean
  readonly timers: boolean
  readonly signals: boolean
  /** The flow's hospital admissions. */
  readonly hospital: boolean
  /** Keep the rows with status and outcome ($2, $3) instead of deleting them. */
  readonly retain: boolean
}

/** The statement that finishes flows of one shape ($1: their ids), and its kind (one prepared statement per shape). */
function finishStatement(schema: string, shape: FinishShape): { readonly kind: string; readonly text: string } {
  const t = (table: string) => qualified(schema, table)
  const deletes = [
    shape.journal ? 'journal' : undefined,
    'sessions',
    shape.inbox ? 'inbox' : undefined,
    shape.timers ? 'timers' : undefined,
    shape.signals ? 'signals' : undefined,
    shape.hospital ? 'hospital' : undefined,
  ].filter((table): table is string => table !== undefined)
  const ctes = deletes.map((table) => `d_${table} AS (DELETE FROM ${t(table)} WHERE flow_id = ANY($1::text[]))`).join(', ')
  const last = shape.retain
    ? `UPDATE ${t('flows')} f SET status = v.status, outcome = v.outcome FROM unnest($1::text[], $2::text[], $3::text[]) AS v(id, status, outcome) WHERE f.id = v.id`
    : `DELETE FROM ${t('flows')} WHERE id = ANY($1::text[])`
  return { kind: `finish_${deletes.join('_')}${shape.retain ? '_retain' : ''}`, text: `WITH ${ctes} ${last}` }
}

/** finishFlow's statement for a flow that touched `touched` and keeps `retain`, built once per shape. */
export class FinishStatements {
  private readonly byShape = new Map<string, { readonly kind: string; readonly text: string }>()

  constructor(private readonly schema: string) {}

  for(retain: FlowRetention | null, touched: TouchedTables): { readonly kind: string; readonly text: string } {
    const shape: FinishShape = {
      journal: !retain?.keepJournal,
      inbox: touched.inbox,
      timers: touched.timers,
      signals: touched.signals === true,
      hospital: touched.hospital === true,
      retain: retain !== null,
    }
    const key = `${+shape.journal}${+shape.inbox}${+shape.timers}${+shape.signals}${+shape.hospital}${+shape.retain}`
    let statement = this.byShape.get(key)
    if (statement === undefined) this.byShape.set(key, (statement = finishStatement(this.schema, shape)))
    return statement
  }
}
