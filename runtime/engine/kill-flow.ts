/**
 * Killing a flow as an operator would (Corda's killFlow), whether it is in memory, evicted or parked: its
 * run dies where it stands, its counterparties get the error frames it owes them (flow-farewell.ts), the
 * outcome policy decides what stays of it, and its result rejects with FlowKilledError.
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { decode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { Envelope } from '../network/wire.js'
import type { Drain } from './drain.js'
import { FlowKilledError } from './engine-errors.js'
import type { EventHub } from './event-hub.js'
import { farewell } from './flow-farewell.js'
import type { FlowResults } from './flow-results.js'
import type { LoadedFlows } from './loaded-flows.js'
import type { Outbox } from './outbox.js'
import type { OutcomePolicy } from './outcome-policy.js'
import type { Parking } from './parking.js'

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
}

/** Resolves false when no unfinished flow has that id, or the flow is already ending. */
export async function killFlow(parts: KillParts, flowId: string): Promise<boolean> {
  const { node, store, loaded, outbox } = parts
  // What the flow did so far is what its counterparties may have seen: commit it, then read it back.
  store.commits.flush()
  const row = store.flow(flowId)
  const run = loaded.runs.get(flowId)
  if (!row || row.status !== 'running' || run?.state === 'finishing') return false
  if (run) {
    run.state = 'dead' // its code hangs at its next engine call; nothing it still does reaches the store
    loaded.unload(run)
  }
  parts.parking.release(flowId)
  const error = new FlowKilledError(`The flow ${flowId} ('${row.name}') was killed on ${node}.`)
  const { errors, discard, owed } = farewell(store, node, flowId)
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
  parts.drain.check()
  return true
}
