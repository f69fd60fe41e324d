/**
 * The node's event source: one rxjs Subject per kind of event, merged into `node.events`; the onFlowEnd
 * and onSessionAction options subscribe to the same subjects. An event is built only while someone
 * listens to its kind, so a node nobody observes pays nothing per message. Subscribers that throw are
 * logged and the node carries on (guarded-events.ts).
 */
import { type Observable, Subject, map, merge } from 'rxjs'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { Commits } from '../store/flow-store.js'
import { describeError } from './describe-error.js'
import type { FlowEndEvent, FlowEvent, FlowStartedEvent, ObservedSession, ProgressUpdate, SessionAction, SessionActionSink } from './flow-events.js'
import { GuardedObservable, guarded } from './guarded-events.js'

export class EventHub implements SessionActionSink {
  private readonly started = new Subject<FlowStartedEvent>()
  private readonly actions = new Subject<SessionAction>()
  private readonly ended = new Subject<FlowEndEvent>()
  private readonly progressed = new Subject<ProgressUpdate>()
  readonly events: Observable<FlowEvent>
  /** The node's own watchers of flow ends (the responder quota, progress), called before subscribers. */
  private readonly endWatchers: ((end: FlowEndEvent) => void)[] = []

  constructor(
    private readonly node: string,
    private readonly commits: Commits,
    listeners: { readonly onFlowEnd?: (event: FlowEndEvent) => void; readonly onSessionAction?: (event: SessionAction) => void },
    logger: FlowLogger,
  ) {
    // A subscriber that throws is logged; the event still reaches the others and the node carries on.
    const report = (who: string) => (error: unknown) =>
      logger.error(`Node ${node}: ${who} threw (${describeError(error)}); the other subscribers got the event and the node carries on.`)
    const merged = merge(
      this.started.pipe(map((flow): FlowEvent => ({ type: 'flow-started', flow }))),
      this.actions.pipe(map((action): FlowEvent => ({ type: 'session-action', action }))),
      this.progressed.pipe(map((progress): FlowEvent => ({ type: 'flow-progress', progress }))),
      this.ended.pipe(map((end): FlowEvent => ({ type: 'flow-ended', end }))),
    )
    this.events = new GuardedObservable(merged, report('a subscriber to node.events'))
    if (listeners.onFlowEnd) this.ended.subscribe(guarded(listeners.onFlowEnd, report('the onFlowEnd listener')))
    if (listeners.onSessionAction) this.actions.subscribe(guarded(listeners.onSessionAction, report('the onSessionAction listener')))
  }

  /** A flow's start was queued: reported once it is durable. */
  flowStarted(flowId: string, name: string, kind: 'started' | 'responder'): void {
    if (!this.started.observed) return
    const flow: FlowStartedEvent = { node: this.node, flowId, name, kind }
    this.commits.afterCommit(() => this.started.next(flow))
  }

  sessionAction(
    flow: { readonly flowId: string; readonly name: string },
    session: ObservedSession,
    action: SessionAction['action'],
    label: string | null,
    reason?: string,
  ): void {
    if (!this.actions.observed) return
    const event: SessionAction = {
      node: this.node,
      flowId: flow.flowId,
      flowName: flow.name,
      protocol: session.protocol,
      version: session.version,
      role: session.direction,
      counterparty: session.counterparty,
      action,
      label,
      ...(reason === undefined ? {} : { reason }),
    }
    this.commits.afterCommit(() => this.actions.next(event))
  }

  /** A flow's progress changed and the change is durable. */
  progress(update: ProgressUpdate): void {
    if (this.progressed.observed) this.progressed.next(update)
  }

  /** A flow ended and its end is durable. */
  flowEnded(end: FlowEndEvent): void {
    for (const watcher of this.endWatchers) watcher(end)
    this.ended.next(end)
  }

  onEnded(watcher: (end: FlowEndEvent) => void): void {
    this.endWatchers.push(watcher)
  }

  /** No more events: subscribers see the streams complete. */
  complete(): void {
    this.started.complete()
    this.actions.complete()
    this.progressed.complete()
    this.ended.complete()
  }
}
