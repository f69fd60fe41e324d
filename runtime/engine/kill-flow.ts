/**
 * Killing a flow as an operator would (Corda's killFlow), whether it is in memory, evicted or parked: its
 * run dies where it stands, its counterparties get the error frames it owes them (flow-farewell.ts), the
 * outcome policy decides what stays of it, and its result rejects with FlowKilledError. A run in memory
 * dies before anything is awaited; while the store is read, the flow is not rehydrated (recovery.ts).
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { decode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { Envelope } from '../network/wire.js'
import type { Drain } from './drain.js'
import { FlowKilledError, NodeStoppedError } from './engine-errors.js'
import type { EventHub } from './event-hub.js'
import { farewell } from './flow-farewell.js'
import type { FlowResults } from './flow-results.js'
import type { LoadedFlows } from './loaded-flows.js'
import type { Outbox } from './outbox.js'
import type { OutcomePolicy } from './outcome-policy.js'
import type { Parking } from './parking.js'
import type { Recovery } from './recovery.js'

export interface KillParts {
  readonly node: string
  readonly logger: FlowLogger
  readonly store: FlowStore
  readonly loaded: LoadedFlows
  readonly parking: Parking
  readonly outbox: Outbox
  readonly policy: OutcomePolicy
  readonly results: FlowResults
  readonly events: EventHub
  readonly drain: Drain
  readonly recovery: Pick<Recovery, 'whileEnding'>
  /** Whether the node stopped while the store was read: then nothing is written. */
  readonly stopped: () => boolean
}

/** Resolves false when no unfinished flow has that id, or the flow is already ending. */
export async function killFlow(parts: KillParts, flowId: string): Promise<boolean> {
  const { loaded } = parts
  const run = loaded.runs.get(flowId)
  if (run?.state === 'finishing') return false
  if (run) {
    // A loaded run is a running flow. It dies before any await: its code hangs at its next engine call, and
    // nothing it does after this reaches the store, so what is committed below is all its peers can have seen.
    run.state = 'dead'
    loaded.unload(run)
  }
  return parts.recovery.whileEnding(flowId, () => end(parts, flowId))
}

async function end(parts: KillParts, flowId: string): Promise<boolean> {
  const { node, store, outbox } = parts
  // What the flow did so far is what its counterparties may have seen: commit it, then read it back.
  store.commits.flush()
  await store.commits.commit()
  const row = await store.flow(flowId)
  if (row?.status !== 'running') return false
  const { errors, discard, owed } = await farewell(store, node, flowId)
  if (parts.stopped()) throw new NodeStoppedError(`Node ${node} stopped while killing flow ${flowId}; open it again and kill the flow there.`)
  parts.parking.release(flowId)
  const error = new FlowKilledError(`The flow ${flowId} ('${row.name}') was killed on ${node}.`)
  for (const id of discard) outbox.discard(id)
  for (const { envelope, sessionKey } of errors) outbox.write(envelope, sessionKey)
  store.finishFlow(flowId, parts.policy.retention(row.kind, { ok: false, error }), { inbox: true, timers: true })
  store.commits.afterCommit(() => {
    for (const pending of owed) outbox.transmitUnlessPending(decode<Envelope>(pending.envelope))
    for (const { envelope } of errors) outbox.transmit(envelope, undefined)
  })
  await store.commits.commit()
  parts.logger.warn(`Flow ${flowId} ('${row.name}') on ${node} was killed; ${errors.length} counterparty session(s) are told it ended.`)
  parts.results.settle(flowId, { ok: false, error })
  parts.events.flowEnded({ flowId, name: row.name, kind: row.kind, ok: false, error })
  void parts.drain.check()
  return true
}
