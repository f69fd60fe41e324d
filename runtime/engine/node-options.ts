/** What a node is opened with (`createNode`). */
import type { Network } from '../network/network.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { ResponderRegistration } from '../protocol/session/protocol-family.js'
import type { Durability, FlowStore } from '../store/flow-store.js'
import type { Clock } from './clock.js'
import type { DeclaredProtocol } from './declared-versions.js'
import type { Flow } from './flow.js'
import type { FlowOwnership } from './flow-ownership.js'
import type { PeerQuotas } from './peer-quotas.js'
import type { FlowEndEvent, SessionAction } from './flow-events.js'
import type { HospitalOptions } from './hospital/hospital-api.js'

export interface NodeOptions {
  /** This node's party name, unique on the network. */
  readonly name: string
  /**
   * Path of the SQLite file (created if missing), or ':memory:' (nothing survives a restart); or an open
   * FlowStore, which the node then owns (it closes it when it stops).
   */
  readonly store: string | FlowStore
  readonly network: Network
  /** Flows this node may start or resume; `startFlow` also registers the flow it is given. */
  readonly flows?: readonly Flow[]
  /** Responders that answer sessions initiated by other nodes. */
  readonly responders?: readonly ResponderRegistration[]
  /**
   * The protocols this node's flows initiate, as the generated objects: `[Demo, TwoPartyTrade]`, or
   * `Demo.only(1)` for a build that keeps fewer versions. With the responders' versions this is what the
   * node declares: `createNode` refuses a store holding flows in flight on a version the node no longer
   * declares (RetiredVersionInFlightError), and a flow may open sessions only of the versions listed.
   * Without it, flows this node initiated are not checked at start: a missing version fails the flow
   * when it resumes.
   */
  readonly protocols?: readonly DeclaredProtocol[]
  /**
   * Drain mode, for upgrades (Corda's flow draining): the node resumes and finishes its flows in flight
   * but takes no new work: startFlow throws NodeDrainingError and session inits from peers are rejected
   * (the initiator sees why). `node.drained` resolves once no flow it can run is in flight. Flows on a
   * version this build no longer declares do not stop the start: they stay parked in the store, untouched,
   * until a build that declares the version runs them or an operator kills them. Default false.
   */
  readonly drain?: boolean
  /** With a path: 'full' (default) survives power loss; 'fast' (synchronous=NORMAL) survives process crashes only. */
  readonly durability?: Durability
  /**
   * Suspended flows whose every branch waits for a message or a timer leave memory after this long and
   * are rebuilt by replay when something arrives. 0 evicts as soon as the wait is committed; Infinity
   * never evicts. Default 30 s.
   */
  readonly evictIdleAfterMs?: number
  /** Unacknowledged messages are sent again after this long (and at once when the peer re-joins). Default 1 s. */
  readonly redeliverAfterMs?: number
  /**
   * Keep finished flows instead of deleting them: true keeps every flow's row with its outcome and its
   * journal; 'started' keeps only the outcome rows of flows started on this node (so a flow id given by a
   * client runs once and its result can be asked for later), and removes responder flows entirely.
   * A kept outcome reads back as the value or error class it was (resultOf, also after a restart) and stays
   * until `node.removeOutcome(flowId)` removes it. Default false.
   */
  readonly keepFinishedFlows?: boolean | 'started'
  /**
   * Journal what each send sent: a data message's payload, a choice's branch, so `node.flowMessages` (the
   * Explorer's Flow screen, `colloquy flow messages`) shows sent payloads for as long as the flow runs.
   * Without it a sent payload is in the store only until the peer acknowledges it. The payloads then rest
   * in the journal like step results (docs/security.md); each send writes a larger entry. Replay does not
   * depend on it: it can be turned on or off across restarts. Default false.
   */
  readonly keepSentPayloads?: boolean
  /** What one peer may make this node hold (responder sessions, idle responders, frames ahead, outbox); safe defaults (peer-quotas.ts). */
  readonly quotas?: PeerQuotas
  /** How long ids of answered session inits are kept to drop late duplicates. Default 7 days. */
  readonly dedupWindowMs?: number
  /**
   * The flow hospital (README, "Flow hospital"): staff added to the defaults or replacing them by name, and
   * how many admissions it keeps per flow. Errors that would end a flow are diagnosed first: retried from
   * the last checkpoint, kept for observation, or let through as before.
   */
  readonly hospital?: HospitalOptions
  /** Where the node reads time and schedules its timers (durable timers, re-delivery, eviction). Default: the system clock. */
  readonly clock?: Clock
  readonly logger?: FlowLogger
  /** Called when any flow on this node ends, including responder flows (also on `node.events`). */
  readonly onFlowEnd?: (event: FlowEndEvent) => void
  /** Called once each live session action (send, receive, end) is committed; replayed actions are not reported again (also on `node.events`). */
  readonly onSessionAction?: (event: SessionAction) => void
  /**
   * Which process runs which flow, when several worker processes serve this node on one shared store
   * (runtime/workers/, docs/scale-out.md). Default: this process runs every flow, and nothing is asked per flow.
   */
  readonly ownership?: FlowOwnership
}
