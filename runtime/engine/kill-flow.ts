/**
 * Killing a flow as an operator would (Corda's killFlow), whether it is in memory, evicted or parked: its
 * run dies where it stands, its counterparties get the error frames it owes them (flow-farewell.ts), the
 * outcome policy decides what stays of it, and its result rejects with FlowKilledError. While the store is
 * read, the flow is not rehydrated (recovery.ts).
 *
 * A run in memory is killed before anything is awaited (FlowRun.kill): the engine call it waits in (a
 * receive, a confirm, a sleep, a step's commit) rejects with FlowKilledError, or its next one does if it is
 * running its own code (which can poll ctx.isKilled), so its catch and finally run. From then on every
 * engine call throws FlowKilledError again without running or recording anything: nothing the flow does
 * after the kill reaches the store or the network, and its outcome is "killed" whatever its body returns.
 * An evicted or parked flow has no code in memory and is simply ended: it is not rehydrated, so its catch
 * and finally do not run (a parked flow's code may not even exist in this build).
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
    // A loaded run is a running flow. It is killed before any await: its code gets FlowKilledError where it
    // waits or at its next engine call, and nothing it does after this reaches the store, so what is
    // committed below is all its peers can have seen.
    run.kill(killedError(flowId, run.name, parts.node))
    loaded.unload(run)
  }
  return parts.recovery.whileEnding(flowId, () => end(parts, flowId, run?.killed))
}

function killedError(flowId: string, name: string, node: string): FlowKilledError {
  return new FlowKilledError(`The flow ${flowId} ('${name}') was killed on ${node}.`)
}

/** `killed`: the error the flow's code saw, when it was in memory; the result rejects with the same. */
async function end(parts: KillParts, flowId: string, killed: FlowKilledError | undefined): Promise<boolean> {
  const { node, store, outbox } = parts
  // What the flow did so far is what its counterparties may have seen: commit it, then read it back.
  store.commits.flush()
  await store.commits.commit()
  const row = await store.flow(flowId)
  if (row?.status !== 'running') return false
  const { errors, discard, owed } = await farewell(store, node, flowId)
  if (parts.stopped()) throw new NodeStoppedError(`Node ${node} stopped while killing flow ${flowId}; open it again and kill the flow there.`)
  parts.parking.release(flowId)
  const error = killed ?? killedError(flowId, row.name, node)
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
