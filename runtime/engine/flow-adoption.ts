/**
 * Adopting flows another process of the node ran (flow-ownership.ts): a worker that claimed a dead
 * worker's flows rebuilds each by replay (the rehydration path), arms the timers they wait for and sends
 * again what they sent and no one acknowledged (an initiator's frames still wait for the confirm, as at
 * open). A flow that cannot be rebuilt fails alone (recovery.ts). Messages of flows that ended and that
 * a dead worker was still sending are sent again too (`resendOrphans`).
 */
import type { Envelope } from '../network/wire.js'
import { decode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { FlowRun } from './flow-run.js'
import type { LoadedFlows } from './loaded-flows.js'
import type { Outbox } from './outbox.js'
import type { Recovery } from './recovery.js'
import type { TimerItem } from './timer-queue.js'

export interface AdoptionParts {
  readonly store: Pick<FlowStore, 'timers' | 'outboxOf' | 'outbox' | 'sessionFlow'>
  readonly recovery: Pick<Recovery, 'rehydrate'>
  readonly timers: { add(item: TimerItem): void }
  readonly outbox: Pick<Outbox, 'transmit' | 'isPending'>
  readonly loaded: LoadedFlows
}

export async function adoptFlows(parts: AdoptionParts, flowIds: readonly string[]): Promise<void> {
  const { store, recovery, timers, outbox, loaded } = parts
  const runs = (await Promise.all(flowIds.map((flowId) => recovery.rehydrate(flowId)))).filter((run): run is FlowRun => run !== undefined)
  if (runs.length === 0) return
  const adopted = new Set(runs.map((run) => run.flowId))
  for (const timer of await store.timers([...adopted])) timers.add({ due: timer.due, flowId: timer.flow_id, key: timer.key })
  const keys = runs.flatMap((run) => [...run.sessions.keys()])
  const rows = await Promise.all(keys.map((key) => store.outboxOf(key)))
  for (const [i, key] of keys.entries()) {
    for (const row of rows[i]!) {
      if (outbox.isPending(row.id)) continue
      outbox.transmit(decode<Envelope>(row.envelope), loaded.sessions.get(key))
    }
  }
}

/**
 * Sends again the unacknowledged messages of flows that ended (their session rows are gone) and that no
 * process is sending: the worker that sent them died, or received their acknowledgement and died before
 * deleting the row. A running flow's messages are its owner's to send.
 */
export async function resendOrphans(parts: Pick<AdoptionParts, 'store' | 'outbox'>): Promise<void> {
  const { store, outbox } = parts
  for (const row of await store.outbox()) {
    if (outbox.isPending(row.id) || (await store.sessionFlow(row.session_key)) !== undefined) continue
    if (!outbox.isPending(row.id)) outbox.transmit(decode<Envelope>(row.envelope), undefined)
  }
}
