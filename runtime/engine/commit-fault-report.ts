/**
 * How a node reports failed commits (the store's CommitFaultListener). A fault that may clear (disk full,
 * I/O error, busy) is logged when it starts and then at most once per `everyMs` while it lasts, however
 * often the store retries, and once more when commits succeed again; the node carries on meanwhile, its
 * flows waiting on the commit. A failure the store gives up on stops the node, as before.
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { CommitFailure, CommitFaultListener } from '../store/flow-store.js'
import type { Clock } from './clock.js'

export class CommitFaultReport implements CommitFaultListener {
  private lastLogged = Number.NEGATIVE_INFINITY

  constructor(
    private readonly node: string,
    private readonly location: string,
    private readonly logger: FlowLogger,
    private readonly clock: Clock,
    private readonly stop: () => void,
    private readonly everyMs = 30_000,
  ) {}

  failed({ error, attempts, retryInMs }: CommitFailure): void {
    if (retryInMs === undefined) {
      this.logger.error(
        `Node ${this.node} could not commit to ${this.location} and stops: ${describe(error)}. Fix the storage and open the node again; unfinished flows resume.`,
      )
      queueMicrotask(this.stop)
      return
    }
    const now = this.clock.now()
    if (attempts > 1 && now - this.lastLogged < this.everyMs) return
    this.lastLogged = now
    this.logger.error(
      `Node ${this.node} could not commit to ${this.location}: ${describe(error)}${attempts > 1 ? ` (${attempts} attempts so far)` : ''}. ` +
        `It keeps the batch, acknowledging and reporting nothing in it, and retries with back-off (next in ${retryInMs} ms); ` +
        'free disk space or fix the storage: the node carries on by itself once a commit succeeds.',
      { attempts, retryInMs },
    )
  }

  recovered(attempts: number, ms: number): void {
    this.lastLogged = Number.NEGATIVE_INFINITY
    this.logger.warn(
      `Node ${this.node} commits to ${this.location} again after ${attempts} failed ${attempts === 1 ? 'attempt' : 'attempts'} over ${ms} ms; nothing was lost.`,
    )
  }
}

function describe(error: unknown): string {
  const message = (error as Error)?.message ?? String(error)
  const code = (error as { code?: unknown })?.code
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message
}
