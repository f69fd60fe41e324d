/**
 * Progress as a node reports it: each live run's tracker changes (progress-tracker.ts) become
 * ProgressUpdates with the whole tree, recorded in the flow's row (`progress`, the current step path, in
 * the batch of the change, so flowStatus shows it and it survives a restart) and published once that batch
 * committed, to `node.progress(flowId)` and `node.events`. A replaying run reports nothing until it is live,
 * then where it stands (`current`). The last update of each flow is kept in memory while the flow runs (also
 * when it is evicted), so a late subscriber gets the current state first. A flow that ends without DONE
 * (failed or killed) gets a last `ended` update; one that succeeded without a tracker a last DONE, for
 * node.progress only (node.events carries progress of flows that report it).
 */
import { type Observable, Subject, concat, defer, filter, from, mergeMap, of, takeWhile, throwError } from 'rxjs'
import { DONE, UNSTARTED } from '../protocol/session/flow-progress.js'
import type { FlowStore } from '../store/flow-store.js'
import type { FlowEndEvent, ProgressUpdate } from './flow-events.js'
import type { FlowRun, ProgressSink } from './flow-run.js'
import type { LoadedFlows } from './loaded-flows.js'
import { FlowNotFoundError } from './operation-errors.js'
import type { ProgressChange } from './progress-tracker.js'

export interface ProgressHubParts {
  readonly node: string
  readonly store: Pick<FlowStore, 'setProgress' | 'flowStatus' | 'commits'>
  readonly loaded: LoadedFlows
  /** Publishes an update on node.events. */
  readonly publish: (update: ProgressUpdate) => void
}

export class ProgressHub implements ProgressSink {
  private readonly latest = new Map<string, ProgressUpdate>()
  private readonly updates = new Subject<ProgressUpdate>()

  constructor(private readonly parts: ProgressHubParts) {}

  changed(run: FlowRun, change: ProgressChange | 'current'): void {
    if (!run.live || !run.alive) return
    const update = snapshot(this.parts.node, run, change, (this.latest.get(run.flowId)?.seq ?? 0) + 1)
    this.latest.set(run.flowId, update)
    const { store, publish } = this.parts
    run.lastBatch = store.setProgress(run.flowId, JSON.stringify(update.path))
    store.commits.afterCommit(() => {
      this.updates.next(update)
      publish(update)
    })
  }

  /** The flow ended (its end is durable): a last update unless DONE was the last. */
  ended(end: FlowEndEvent): void {
    const last = this.latest.get(end.flowId)
    this.latest.delete(end.flowId)
    if (last?.done) return
    const update: ProgressUpdate = {
      node: this.parts.node,
      flowId: end.flowId,
      flowName: end.name,
      seq: (last?.seq ?? 0) + 1,
      change: end.ok ? 'position' : 'ended',
      path: end.ok ? [DONE] : (last?.path ?? []),
      tree: end.ok ? { current: DONE, steps: last?.tree.steps ?? [] } : (last?.tree ?? { current: UNSTARTED, steps: [] }),
      done: true,
    }
    this.updates.next(update)
    // node.events carries the progress of flows that report it; followers of any flow hear the end.
    if (last) this.parts.publish(update)
  }

  /** node.progress: the current state first, then every change until the last update. */
  follow(flowId: string): Observable<ProgressUpdate> {
    return defer(() => {
      const first = this.current(flowId)
      if (first) return this.from(first)
      return from(this.parts.store.flowStatus(flowId)).pipe(
        mergeMap((status) => {
          if (!status)
            return throwError(
              () => new FlowNotFoundError(`No flow ${flowId} on ${this.parts.node} to follow the progress of; check the id with node.listFlows.`),
            )
          const now = this.current(flowId)
          if (now) return this.from(now)
          const path = status.progress ?? [status.status === 'running' ? UNSTARTED : DONE]
          const done = status.status !== 'running'
          const stored: ProgressUpdate = {
            node: this.parts.node,
            flowId,
            flowName: status.name,
            seq: 0,
            change: 'current',
            path,
            tree: { current: done ? DONE : UNSTARTED, steps: [] },
            done,
          }
          return this.from(stored)
        }),
      )
    })
  }

  private current(flowId: string): ProgressUpdate | undefined {
    const kept = this.latest.get(flowId)
    if (kept) return { ...kept, change: 'current' }
    const run = this.parts.loaded.runs.get(flowId)
    return run ? snapshot(this.parts.node, run, 'current', 0) : undefined
  }

  private from(first: ProgressUpdate): Observable<ProgressUpdate> {
    if (first.done) return of(first)
    // Updates made before the first one was read and published after it are skipped.
    const later = this.updates.pipe(
      filter((update) => update.flowId === first.flowId && update.seq > first.seq),
      takeWhile((update) => !update.done, true),
    )
    return concat(of(first), later)
  }

  /** The node stopped: followers complete. */
  complete(): void {
    this.updates.complete()
  }
}

function snapshot(node: string, run: FlowRun, change: ProgressUpdate['change'], seq: number): ProgressUpdate {
  const tracker = run.progress
  return { node, flowId: run.flowId, flowName: run.name, seq, change, path: tracker.path(), tree: tracker.tree(), done: tracker.done }
}
