/**
 * `node.hospital`: what operators see of the hospital and do with it (hospital-api.ts), over the hospital and
 * the store's records. A patient's state is this process's hospital's, or (worker processes) the one of the
 * process keeping the flow; retry and kill reach that process too (flow-requests.ts).
 */
import type { Observable } from 'rxjs'
import type { FlowStore } from '../../store/flow-store.js'
import type { AdmissionRow } from '../../store/store-rows.js'
import { toAdmission } from './admission-record.js'
import type { HeldInits } from './held-inits.js'
import type { Hospital } from './hospital.js'
import type { HeldInit, HospitalEntry, HospitalEvent, HospitalFilter, HospitalReport, NodeHospital } from './hospital-api.js'

export interface NodeHospitalParts {
  readonly hospital: Hospital
  readonly inits: HeldInits
  readonly store: Pick<FlowStore, 'admissions'>
  readonly kill: (flowId: string) => Promise<boolean>
  /** Retries a patient of this process, or of the worker process that keeps it (flow-requests.ts). */
  readonly retry: (flowId: string) => Promise<boolean>
  /** Where a patient stands, asked of the process keeping it when this one does not. */
  readonly patient: (flowId: string) => Promise<PatientStanding | undefined>
}

type PatientStanding = ReturnType<Hospital['state']>

export class HospitalOperations implements NodeHospital {
  readonly events: Observable<HospitalEvent>

  constructor(private readonly parts: NodeHospitalParts) {
    this.events = parts.hospital.events
  }

  async list(filter: HospitalFilter = {}): Promise<HospitalEntry[]> {
    const byFlow = new Map<string, AdmissionRow[]>()
    for (const row of await this.parts.store.admissions()) byFlow.set(row.flow_id, [...(byFlow.get(row.flow_id) ?? []), row])
    const flowIds = [...byFlow.keys()]
    const states = await Promise.all(flowIds.map((flowId) => this.standing(flowId)))
    const entries: HospitalEntry[] = []
    for (const [i, flowId] of flowIds.entries()) {
      const entry = this.entry(flowId, byFlow.get(flowId)!, states[i])
      if (entry && matches(entry, filter)) entries.push(entry)
    }
    return entries
  }

  async show(flowId: string): Promise<HospitalReport | undefined> {
    const rows = await this.parts.store.admissions(flowId)
    const entry = this.entry(flowId, rows, rows.length === 0 ? undefined : await this.standing(flowId))
    if (!entry) return undefined
    const { last: _last, ...rest } = entry
    const waitingFor =
      entry.state === 'observed'
        ? "an operator's retry (once the cause is fixed) or kill, or a restart of the node"
        : entry.state === 'retrying'
          ? `its retry from the last checkpoint at ${new Date(entry.retryAt ?? 0).toISOString()}`
          : 'nothing from the hospital: it runs again (see flowStatus)'
    return { ...rest, history: rows.map(toAdmission), waitingFor }
  }

  retry(flowId: string): Promise<boolean> {
    return this.parts.retry(flowId)
  }

  async retryAll(filter: HospitalFilter = {}, options: { readonly dryRun?: boolean } = {}): Promise<HospitalEntry[]> {
    const kept = (await this.list(filter)).filter((e) => e.state !== 'running')
    if (options.dryRun) return kept
    const retried = await Promise.all(kept.map((e) => this.parts.retry(e.flowId)))
    return kept.filter((_, i) => retried[i])
  }

  kill(flowId: string): Promise<boolean> {
    return this.parts.kill(flowId)
  }

  heldInits(): Promise<HeldInit[]> {
    return this.parts.inits.list()
  }

  rejectSessionInit(id: string): Promise<boolean> {
    return this.parts.inits.reject(id)
  }

  /** This hospital's word on the flow, or the one of the process keeping it. */
  private standing(flowId: string): Promise<PatientStanding | undefined> | PatientStanding | undefined {
    return this.parts.hospital.state(flowId) ?? this.parts.patient(flowId)
  }

  private entry(flowId: string, rows: readonly AdmissionRow[], standing: PatientStanding | undefined): HospitalEntry | undefined {
    const last = rows.at(-1)
    if (!last) return undefined
    const state = standing ?? { state: 'observed' as const }
    return { flowId, flowName: last.flow_name, ...state, admissions: rows.length, last: toAdmission(last) }
  }
}

function matches(entry: HospitalEntry, filter: HospitalFilter): boolean {
  if (filter.flowName !== undefined && entry.flowName !== filter.flowName) return false
  if (filter.state !== undefined && entry.state !== filter.state) return false
  if (filter.staff !== undefined && entry.last.staff !== filter.staff) return false
  if (filter.error !== undefined && entry.last.error.code !== filter.error && entry.last.error.name !== filter.error) return false
  return true
}
