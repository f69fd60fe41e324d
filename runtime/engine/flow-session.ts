/**
 * A session as the engine's other parts see it (the outbox, the inbound path, recovery, a flow's end);
 * engine-session.ts implements it. Declared apart so that a run can hold its sessions without knowing
 * their class.
 */
import type { WireException } from '../network/wire.js'
import type { SessionChannel, SessionFrame, SessionRequest } from '../protocol/session/channel.js'
import type { FlowContext } from '../protocol/session/flow-context.js'
import type { InboxEvent } from './inbox-event.js'
import type { JournalScope } from './journal-key.js'
import type { SessionDirection } from './session-key.js'

export type SessionStatus = 'opening' | 'open' | 'rejected' | 'closed'

/** The journal scope a session's actions are numbered in, which is also the context its handler runs with. */
/** The scope a session's handler runs in; `subFlows` names the sub-flows it runs in, outermost first. */
export type SessionScope = JournalScope & FlowContext & { readonly subFlows?: readonly string[] }

export interface FlowSession extends SessionChannel {
  /** The session key (see session-key.ts). */
  readonly key: string
  /** The session id on the wire (the initiator's). */
  readonly id: string
  /** The flow the session belongs to. */
  readonly flowId: string
  /** The protocol's name. */
  readonly protocol: string
  readonly direction: SessionDirection
  readonly status: SessionStatus
  /** The party at the other end. */
  readonly counterparty: string
  /** Next sequence number the flow consumes; frames received and not yet consumed, by sequence number. */
  readonly recvSeq: number
  readonly inbox: ReadonlyMap<number, InboxEvent>
  /** Whether the init left (or is in the outbox); only meaningful on the initiating side. */
  readonly initSent: boolean
  /** Whether the flow it belongs to still runs here (not ended, crashed or evicted). */
  readonly live: boolean
  attach(context: SessionScope, request?: SessionRequest): void
  /** Writes the session's row in the current batch. */
  persist(): void
  /** Queues the init (carrying the first frame when the first action is a send). */
  sendInit(first: SessionFrame | null): void
  /** Resolves when the peer confirmed; rejects with the peer's reason when it rejected. */
  confirmation(): Promise<void>
  /** The message this session's peer gets when the flow ends: end on success, error on failure. */
  finalMessage(failure: { error: unknown; wire: WireException | null } | null): void
  /** An incoming frame; false when it is a duplicate. */
  deliver(seq: number, event: InboxEvent): boolean
  /** A frame loaded from the store on rehydration. */
  restore(seq: number, event: InboxEvent): void
  onConfirm(version: number): void
  onReject(reason: string): void
  /** The responder's hospital holds the init (not an answer): recorded and shown in what the flow waits for. */
  onHeld(reason: string): void
}
