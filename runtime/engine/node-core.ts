/** What runs, scopes and sessions need from their node. */
import type { Envelope } from '../network/wire.js'
import type { FlowLogger } from '../session/flow-context.js'
import type { FlowStore } from '../store/sqlite-store.js'
import type { EngineSession } from './engine-session.js'
import type { FlowRun } from './flow-run.js'
import type { TimerQueue } from './timer-queue.js'

export interface NodeCore {
  readonly name: string
  readonly store: FlowStore
  readonly logger: FlowLogger
  readonly timers: TimerQueue
  /** Writes the envelope to the outbox in the current batch and transmits it once that batch commits. */
  queueMessage(envelope: Envelope, session: EngineSession): number
  /** Makes a session reachable for incoming messages. */
  registerSession(session: EngineSession): void
  /** A run may have become idle: consider it for eviction. */
  noteIdle(run: FlowRun): void
}
