/**
 * The hospital of one node, composed: the admission (hospital.ts) with the node's staff (the defaults,
 * with what the node's options add or replace, and per flow what the flow's options do), the held session
 * inits (held-inits.ts), and the operator's view (node-hospital.ts, `node.hospital`).
 */
import type { FlowLogger } from '../../protocol/session/flow-context.js'
import type { FlowStore } from '../../store/flow-store.js'
import type { Clock } from '../clock.js'
import type { FlowRun } from '../flow-run.js'
import type { LoadedFlows } from '../loaded-flows.js'
import type { Outbox } from '../outbox.js'
import type { Registrations } from '../registrations.js'
import type { TimerItem } from '../timer-queue.js'
import { HeldInits } from './held-inits.js'
import { Hospital } from './hospital.js'
import type { HospitalOptions } from './hospital-api.js'
import { HospitalOperations } from './node-hospital.js'
import { type Staff, mergeStaff } from './staff.js'
import { defaultStaff } from './staff/default-staff.js'

export interface WardParts {
  readonly node: string
  readonly clock: Clock
  readonly logger: FlowLogger
  readonly store: FlowStore
  readonly loaded: LoadedFlows
  readonly options: HospitalOptions | undefined
  readonly registrations: Registrations
  readonly outbox: Outbox
  readonly timers: { add(item: TimerItem): void }
  readonly rehydrate: (flowId: string) => Promise<FlowRun | undefined>
  readonly kill: (flowId: string) => Promise<boolean>
  /** Retries a patient here, or asks the worker process that keeps it (flow-requests.ts). */
  readonly retry: (flowId: string) => Promise<boolean>
  /** Where a patient stands, as the process keeping it says (flow-requests.ts). */
  readonly patient: (flowId: string) => Promise<ReturnType<Hospital['state']>>
}

export interface Ward {
  readonly hospital: Hospital
  readonly inits: HeldInits
  readonly operations: HospitalOperations
}

export function createWard(parts: WardParts): Ward {
  const { node, clock, logger, store, registrations } = parts
  const staff = mergeStaff(defaultStaff(), parts.options?.staff)
  const perFlow = new Map<string, readonly Staff[]>()
  const staffFor = (flowName: string): readonly Staff[] => {
    const own = registrations.flows.get(flowName)?.staff
    if (!own) return staff
    let merged = perFlow.get(flowName)
    if (!merged) perFlow.set(flowName, (merged = mergeStaff(staff, own)))
    return merged
  }
  const hospital = new Hospital({
    node,
    clock,
    logger,
    store,
    loaded: parts.loaded,
    staff,
    staffFor,
    keepAdmissions: parts.options?.keepAdmissions ?? 20,
    rehydrate: parts.rehydrate,
    timers: parts.timers,
  })
  const inits = new HeldInits({ node, clock, logger, store, staff, outbox: parts.outbox, publish: (event) => hospital.publish(event) })
  const operations = new HospitalOperations({ hospital, inits, store, kill: parts.kill, retry: parts.retry, patient: parts.patient })
  return { hospital, inits, operations }
}
