/**
 * The results callers wait for: one deferred per flow asked about, settled when the flow ends here (also
 * after evictions), and answered from the stored outcome for flows that already finished and were kept.
 * The wait is registered before the store is read, so a flow that ends during the read still settles it.
 * A flow that ends in another worker process of the node (flow-ownership.ts) is read again from the store
 * when that process's end is heard (`ended`).
 */
import type { FlowStore } from '../store/flow-store.js'
import { FlowStartError } from './engine-errors.js'
import { keptOutcome } from './kept-outcome.js'
import type { Outcome } from './outcome-policy.js'

interface Deferred {
  promise: Promise<unknown>
  resolve(value: unknown): void
  reject(error: unknown): void
}

export class FlowResults {
  private readonly pending = new Map<string, Deferred>()

  constructor(
    private readonly node: string,
    private readonly store: Pick<FlowStore, 'flow' | 'outcomeOf' | 'location'>,
    private readonly isLoaded: (flowId: string) => boolean,
  ) {}

  /** The result of a flow started earlier, e.g. before a restart. */
  resultOf(flowId: string): Promise<unknown> {
    const existing = this.pending.get(flowId)
    if (existing) return existing.promise
    const deferred = this.wait(flowId)
    if (!this.isLoaded(flowId)) void this.answerFromStore(flowId, deferred)
    return deferred.promise
  }

  /** A flow ended elsewhere (undefined: any may have): a result awaited for it here is read from the store. */
  ended(flowId?: string): void {
    const ids = flowId === undefined ? [...this.pending.keys()] : [flowId]
    for (const id of ids) {
      const deferred = this.pending.get(id)
      if (deferred && !this.isLoaded(id)) void this.answerFromStore(id, deferred)
    }
  }

  /** A flow not in memory: finished and kept (its outcome), unknown (an error), or evicted (it keeps waiting). */
  private async answerFromStore(flowId: string, deferred: Deferred): Promise<void> {
    let outcome: Outcome | undefined
    try {
      const row = await this.store.flow(flowId)
      if (!row) {
        const error = new FlowStartError(
          `No flow ${flowId} on ${this.node}: it never ran here, or it finished and was removed (set keepFinishedFlows to keep outcomes).`,
        )
        outcome = { ok: false, error }
      } else if (row.status !== 'running') outcome = keptOutcome((await this.store.outcomeOf(flowId))!, flowId, this.store.location)
    } catch (error) {
      outcome = { ok: false, error }
    }
    // Settled meanwhile (the flow ended here during the read): that outcome stands.
    if (outcome && this.pending.get(flowId) === deferred) this.settle(flowId, outcome)
  }

  private wait(flowId: string): Deferred {
    let resolve!: (value: unknown) => void
    let reject!: (error: unknown) => void
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res
      reject = rej
    })
    promise.catch(() => {}) // the caller may never look; the outcome is also logged
    const deferred = { promise, resolve, reject }
    this.pending.set(flowId, deferred)
    return deferred
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
