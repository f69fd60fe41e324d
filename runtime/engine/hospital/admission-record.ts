/** An admission between its stored row (store-rows.ts AdmissionRow) and what operators see (hospital-api.ts Admission). */
import type { AdmissionRow } from '../../store/store-rows.js'
import type { Admission } from './hospital-api.js'
import { codeOf } from './error-marks.js'
import type { Diagnosis } from './staff.js'

export interface AdmissionFacts {
  readonly flowId: string
  readonly flowName: string
  readonly at: number
  readonly error: unknown
  readonly staff: string
  readonly diagnosis: Diagnosis
  readonly retries: number
  readonly point: number
}

export function admissionRow(facts: AdmissionFacts): AdmissionRow {
  const error = facts.error
  const isError = error instanceof Error
  // A counterparty's error has no stack worth keeping (it is built here from the wire).
  const local = isError && (error as { peer?: unknown }).peer === undefined
  return {
    flow_id: facts.flowId,
    flow_name: facts.flowName,
    at: facts.at,
    error_class: isError ? error.name : typeof error,
    error_code: codeOf(error) ?? null,
    error_message: isError ? error.message : String(error),
    error_stack: local ? (error.stack ?? null) : null,
    staff: facts.staff,
    diagnosis: facts.diagnosis.diagnosis,
    decision: facts.diagnosis.decision,
    retries: facts.retries,
    point: facts.point,
  }
}

export function toAdmission(row: AdmissionRow): Admission {
  const error = {
    name: row.error_class,
    message: row.error_message,
    ...(row.error_code === null ? {} : { code: row.error_code }),
    ...(row.error_stack === null ? {} : { stack: row.error_stack }),
  }
  return { at: row.at, error, staff: row.staff, diagnosis: row.diagnosis, decision: row.decision, retries: row.retries }
}
