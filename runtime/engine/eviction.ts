/**
 * Eviction: a suspended flow whose every branch waits for a message or a timer leaves memory after
 * `evictIdleAfterMs` and is rebuilt by replay when something arrives (recovery.ts). A run is evicted only
 * once everything it wrote is committed, so the replay finds it; what it waits for is written to its row
 * (`waiting`), so node.flowStatus answers for it without loading it.
 */
import type { Commits, FlowStore } from '../store/flow-store.js'
import type { Clock, ClockTimer } from './clock.js'
import type { FlowRun } from './flow-run.js'
import type { LoadedFlows } from './loaded-flows.js'

export class Eviction {
  evictions = 0
  private sweepTimer: ClockTimer | undefined
  private stopped = false

  constructor(
    private readonly after: number,
    private readonly clock: Clock,
    private readonly store: Pick<FlowStore, 'setWaiting' | 'commits'>,
    private readonly loaded: LoadedFlows,
  ) {}

  private get commits(): Commits {
    return this.store.commits
  }

  noteIdle(run: FlowRun): void {
    if (this.after === Number.POSITIVE_INFINITY || this.stopped) return
    run.idleSince = this.clock.now()
    if (this.after === 0) {
      this.commits.afterCommit(() => this.maybeEvict(run))
      return
    }
    if (!this.sweepTimer) {
      this.sweepTimer = this.clock.setInterval(() => this.sweep(), Math.max(10, this.after / 2))
      this.sweepTimer.unref()
    }
  }

  stop(): void {
    this.stopped = true
    if (this.sweepTimer) this.clock.clearInterval(this.sweepTimer)
  }

  private sweep(): void {
    const limit = this.clock.now() - this.after
    for (const run of this.loaded.runs.values()) if (run.idle && run.idleSince <= limit) this.maybeEvict(run)
  }

  private maybeEvict(run: FlowRun): void {
    if (!run.idle || this.loaded.runs.get(run.flowId) !== run || run.lastBatch > this.commits.committedBatch) return
    run.state = 'dead'
    this.loaded.unload(run)
    // What it waits for, for status questions while it is out of memory (a run is idle only while it waits).
    this.store.setWaiting(run.flowId, JSON.stringify(run.waitingFor))
    this.evictions++
  }
}
