/**
 * The node's event source: one rxjs Subject behind `node.events`, with the onFlowEnd and onSessionAction
 * options subscribed to it. Events are built only while someone listens, so a node nobody observes pays
 * nothing per message.
 */
import { type Observable, Subject } from 'rxjs'
import type { Commits } from '../store/flow-store.js'
import type { FlowEndEvent, FlowStartedEvent, FlowEvent, ObservedSession, SessionAction, SessionActionSink } from './flow-events.js'

export class EventHub implements SessionActionSink {
  private readonly subject = new Subject<FlowEvent>()
  readonly events: Observable<FlowEvent> = this.subject.asObservable()

  constructor(
    private readonly node: string,
    private readonly commits: Commits,
    listeners: { readonly onFlowEnd?: (event: FlowEndEvent) => void; readonly onSessionAction?: (event: SessionAction) => void },
  ) {
    const { onFlowEnd, onSessionAction } = listeners
    if (onFlowEnd) this.subject.subscribe((event) => event.type === 'flow-ended' && onFlowEnd(event.end))
    if (onSessionAction) this.subject.subscribe((event) => event.type === 'session-action' && onSessionAction(event.action))
  }

  /** A flow's start was queued: reported once it is durable. */
  flowStarted(flowId: string, name: string, kind: 'started' | 'responder'): void {
    if (!this.subject.observed) return
    const flow: FlowStartedEvent = { node: this.node, flowId, name, kind }
    this.commits.afterCommit(() => this.subject.next({ type: 'flow-started', flow }))
  }

  sessionAction(flow: { readonly flowId: string; readonly name: string }, session: ObservedSession, action: SessionAction['action'], label: string | null): void {
    if (!this.subject.observed) return
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
    }
    this.commits.afterCommit(() => this.subject.next({ type: 'session-action', action: event }))
  }

  /** A flow ended and its end is durable. */
  flowEnded(end: FlowEndEvent): void {
    this.subject.next({ type: 'flow-ended', end })
  }

  /** No more events: subscribers see the stream complete. */
  complete(): void {
    this.subject.complete()
  }
}
