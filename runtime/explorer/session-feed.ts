/**
 * One logged-in user's state-machines feed (flows added, progressed, ended), subscribed once per session
 * and shared by the page's live views (server-sent events). Session actions on it go to the run history.
 * A user without `InvokeRpc.stateMachinesFeed` gets no live updates: `refusal` says why.
 */
import { Subject, type Subscription } from 'rxjs'
import type { SessionAction } from '../engine/index.js'
import type { FlowFeedUpdate, RpcClient } from '../rpc/client/rpc-client-api.js'
import type { RunHistory } from './run-history.js'

export class SessionFeed {
  readonly updates = new Subject<FlowFeedUpdate>()
  /** Why the feed stopped (e.g. the permission is missing), once it did. */
  refusal: Error | undefined
  private readonly subscription: Subscription

  constructor(
    client: RpcClient,
    private readonly history: RunHistory,
  ) {
    this.subscription = client.stateMachinesFeed().subscribe({
      next: (update) => {
        const detail = update.type === 'progressed' ? (update.detail as Partial<SessionAction>) : undefined
        if (detail && typeof detail.action === 'string' && typeof detail.protocol === 'string') history.record(detail as SessionAction, this)
        this.updates.next(update)
      },
      error: (error: Error) => {
        this.refusal = error
        history.release(this)
        this.updates.error(error) // live views that already listen are told why it stopped
      },
    })
  }

  close(): void {
    this.subscription.unsubscribe()
    this.history.release(this)
    this.updates.complete()
  }
}
