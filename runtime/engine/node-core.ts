/** What runs, scopes and sessions need from their node. */
import type { Envelope } from '../network/wire.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { FlowStore } from '../store/sqlite-store.js'
import type { Clock } from './clock.js'
import type { DeclaredVersions } from './declared-versions.js'
import type { EngineSession } from './engine-session.js'
import type { FlowRun } from './flow-run.js'
import type { TimerQueue } from './timer-queue.js'

export interface NodeCore {
  readonly name: string
  readonly store: FlowStore
  readonly logger: FlowLogger
  readonly timers: TimerQueue
  /** The time as the engine sees it (simulated in tests). */
  readonly clock: Clock
  /** The protocol versions the node's code declares; sessions may only be opened with those. */
  readonly declared: DeclaredVersions
  /** Writes the envelope to the outbox in the current batch and transmits it once that batch commits. */
  queueMessage(envelope: Envelope, session: EngineSession): number
  /** Makes a session reachable for incoming messages. */
  registerSession(session: EngineSession): void
  /** A run may have become idle: consider it for eviction. */
  noteIdle(run: FlowRun): void
  /** A live (not replayed) session action became durable: tell the node's observer, if any. */
  observe(session: EngineSession, action: SessionAction['action'], label: string | null): void
}

/** A session action as operators see it: which node, flow and protocol step. */
export interface SessionAction {
  readonly node: string
  readonly flowId: string
  readonly flowName: string
  readonly protocol: string
  readonly version: number
  readonly role: 'initiator' | 'responder'
  readonly counterparty: string
  readonly action: 'send' | 'receive' | 'end'
  /** The message or choice label (inlined sub-protocol labels are prefixed: `signatures.proposal`); null for end. */
  readonly label: string | null
}
