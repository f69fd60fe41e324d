/**
 * Removing a kept outcome (`node.removeOutcome`): keepFinishedFlows keeps what a flow ended with until it
 * is removed here. Only a finished flow's outcome can go; a flow in memory or still running in the store
 * is refused. Once removed, `resultOf` answers as for a flow that never ran, and the id may be used again.
 */
import type { FlowStore } from '../store/flow-store.js'
import { FlowStartError } from './engine-errors.js'
import type { LoadedFlows } from './loaded-flows.js'
import { FlowRunningError } from './outcome-errors.js'

export interface RemovalParts {
  readonly node: string
  readonly store: Pick<FlowStore, 'flow' | 'removeOutcome' | 'commits'>
  readonly loaded: LoadedFlows
  readonly stopped: () => boolean
}

export class OutcomeRemoval {
  /** Ids being removed: a second call meanwhile finds nothing left to remove. */
  private readonly removing = new Set<string>()

  constructor(private readonly parts: RemovalParts) {}

  /** Resolves true once the outcome is gone for good, false when none is kept; rejects for a flow that has not finished. */
  async remove(flowId: string): Promise<boolean> {
    const { node, store, loaded, stopped } = this.parts
    const running = () =>
      new FlowRunningError(
        `Flow ${flowId} on ${node} has not finished, so it has no outcome to remove; wait for its result (resultOf) or end it with killFlow, then remove its outcome.`,
      )
    if (stopped()) throw new FlowStartError(`Node ${node} is stopped; open it again with createNode to remove the outcome of flow ${flowId}.`)
    if (loaded.runs.has(flowId)) throw running()
    if (this.removing.has(flowId)) return false
    this.removing.add(flowId)
    try {
      const row = await store.flow(flowId)
      if (!row) return false
      if (row.status === 'running' || loaded.runs.has(flowId)) throw running()
      if (stopped()) throw new FlowStartError(`Node ${node} stopped before the outcome of flow ${flowId} was removed; open it again and remove it there.`)
      store.removeOutcome(flowId)
      await store.commits.commit()
      return true
    } finally {
      this.removing.delete(flowId)
    }
  }
}
