/**
 * The results callers wait for: one deferred per flow asked about, settled when the flow ends here (also
 * after evictions), and answered from the stored outcome for flows that already finished and were kept.
 */
import type { FlowStore } from '../store/flow-store.js'
import { FlowStartError } from './engine-errors.js'
import { type Outcome, decodeOutcome } from './outcome-policy.js'

interface Deferred {
  promise: Promise<unknown>
  resolve(value: unknown): void
  reject(error: unknown): void
}

export class FlowResults {
  private readonly pending = new Map<string, Deferred>()

  constructor(
    private readonly node: string,
    private readonly store: Pick<FlowStore, 'flow' | 'outcomeOf'>,
    private readonly isLoaded: (flowId: string) => boolean,
  ) {}

  /** The result of a flow started earlier, e.g. before a restart. */
  resultOf(flowId: string): Promise<unknown> {
    const existing = this.pending.get(flowId)
    if (existing) return existing.promise
    if (!this.isLoaded(flowId)) {
      const row = this.store.flow(flowId)
      if (!row)
        return Promise.reject(
          new FlowStartError(`No flow ${flowId} on ${this.node}: it never ran here, or it finished and was removed (set keepFinishedFlows to keep outcomes).`),
        )
      if (row.status !== 'running') {
        const outcome = decodeOutcome(this.store.outcomeOf(flowId)!)
        return outcome.ok ? Promise.resolve(outcome.value) : Promise.reject(outcome.error)
      }
    }
    let resolve!: (value: unknown) => void
    let reject!: (error: unknown) => void
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res
      reject = rej
    })
    promise.catch(() => {}) // the caller may never look; the outcome is also logged
    this.pending.set(flowId, { promise, resolve, reject })
    return promise
  }

  /** The flow ended: whoever waits gets its outcome. */
  settle(flowId: string, outcome: Outcome): void {
    const deferred = this.pending.get(flowId)
    if (!deferred) return
    this.pending.delete(flowId)
    if (outcome.ok) deferred.resolve(outcome.value)
    else deferred.reject(outcome.error)
  }

  /** The node stopped: every wait ends with `error`. */
  rejectAll(error: unknown): void {
    for (const deferred of this.pending.values()) deferred.reject(error)
    this.pending.clear()
  }
}
