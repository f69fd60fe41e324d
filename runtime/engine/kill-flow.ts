/**
 * Killing a flow as an operator would (Corda's killFlow), whether it is in memory, evicted or parked: its
 * run dies where it stands, its counterparties get the error frames it owes them (flow-farewell.ts), the
 * outcome policy decides what stays of it, and its result rejects with FlowKilledError. While the store is
 * read, the flow is not rehydrated (recovery.ts). It is ended as a failing flow is (flow-failure.ts); a kill
 * the store fails leaves the flow parked, to be killed again.
 *
 * A run in memory is killed before anything is awaited (FlowRun.kill): the engine call it waits in (a
 * receive, a confirm, a sleep, a step's commit) rejects with FlowKilledError, or its next one does if it is
 * running its own code (which can poll ctx.isKilled), so its catch and finally run. From then on every
 * engine call throws FlowKilledError again without running or recording anything: nothing the flow does
 * after the kill reaches the store or the network, and its outcome is "killed" whatever its body returns.
 * An evicted or parked flow has no code in memory and is simply ended: it is not rehydrated, so its catch
 * and finally do not run (a parked flow's code may not even exist in this build).
 */
import { describeError } from './describe-error.js'
import { FlowKilledError } from './engine-errors.js'
import { type FailureParts, endFromStore } from './flow-failure.js'
import type { FlowRun } from './flow-run.js'

export type KillParts = FailureParts

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
  return parts.recovery.whileEnding(flowId, () => end(parts, flowId, run))
}

function killedError(flowId: string, name: string, node: string): FlowKilledError {
  return new FlowKilledError(`The flow ${flowId} ('${name}') was killed on ${node}.`)
}

/** `run`: the flow in memory, if it was; its result rejects with the error its code saw. */
async function end(parts: KillParts, flowId: string, run: FlowRun | undefined): Promise<boolean> {
  const { node } = parts
  try {
    return await endFromStore(parts, flowId, {
      doing: `killing flow ${flowId}`,
      error: (row) => run?.killed ?? killedError(flowId, row.name, node),
      ended: (row, told) => parts.logger.warn(`Flow ${flowId} ('${row.name}') on ${node} was killed; ${told} counterparty session(s) are told it ended.`),
    })
  } catch (error) {
    // Half-killed: its run is gone from memory. Parked, it is not rehydrated meanwhile and can be killed again.
    if (!parts.stopped())
      parts.parking.park({
        flowId,
        flowName: run?.name ?? '?',
        kind: run?.kind ?? 'started',
        reason: `killing it failed (${describeError(error)}); call killFlow('${flowId}') again`,
      })
    throw error
  }
}
