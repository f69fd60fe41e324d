/**
 * The ownership port: which process of a node runs which flow. The embedded node is one process that runs
 * every flow (`wholeNodeOwnership`, the default): the engine then asks nothing per flow and nothing on any
 * path changes. Worker processes that serve one node together (runtime/workers/, docs/scale-out.md) own
 * each flow in flight through a lease; the engine then
 *
 * - rebuilds nothing at open (a fresh worker owns nothing) and takes flows only through `adopt`, which the
 *   ownership calls when it claimed flows of a worker that died (replay, timers, outbox sent again);
 * - asks `route` for a message whose session is not in memory: 'here' rehydrates and delivers as before,
 *   'forwarded' means the message is durably with the owner, so the transport may acknowledge it;
 * - loads a flow (rehydration for a message, a timer or a signal) only when `owns` says so;
 * - reports acknowledgements it received for messages it did not send (`acknowledged`), so the owner that
 *   sent them stops sending them again; the owner hears of them through `OwnedNode.acknowledged`;
 * - hands an operation on a flow another process owns (a signal, a kill, a hospital retry: flow-requests.ts)
 *   to that process with `ask` and gets its answer back; the owner runs it in `OwnedNode.answer`;
 * - holds a key with `claim` while it decides something only one process of the node may do (answer one
 *   session init, start one client id or caller-given flow id: node-claims.ts), until `release`;
 * - hears from the ownership that a flow ended in another process (`OwnedNode.ended`), so a result awaited
 *   here is read from the store.
 *
 * A message for a session in memory, a send and a receive never consult the ownership.
 */
import type { Envelope } from '../network/wire.js'

/** Where a message for a flow not in memory went. */
export type MessageRoute = 'here' | 'forwarded'

/** The engine's side of the port, handed to the ownership once the node is on the network. */
export interface OwnedNode {
  /** Takes over flows claimed for this process: each is rebuilt by replay, its timers armed, its unacknowledged messages sent again. */
  adopt(flowIds: readonly string[]): Promise<void>
  /** Sends again what flows that ended left unacknowledged (a worker that was sending it died). */
  resendOrphans(): Promise<void>
  /** A message another process received for a flow this one owns; resolves once recorded (as a transport's delivery). */
  deliver(envelope: Envelope): Promise<void>
  /** Another process received the acknowledgement of a message this one may have sent. */
  acknowledged(id: string): void
  /** An operation another process was asked for, on a flow this one owns: resolves with the encoded answer (never rejects). */
  answer(flowId: string, request: Buffer): Promise<Buffer>
  /** A flow ended in another process (undefined: some may have, unheard); a result awaited here is read from the store. */
  ended(flowId?: string): void
}

export interface FlowOwnership {
  /** True when this process runs every flow of the node (the embedded node): the engine asks nothing per flow. */
  readonly wholeNode: boolean
  /** Called once when the node joined the network; flows are adopted and messages forwarded from then on. */
  attach(node: OwnedNode): void
  /** A message for a flow that is not in memory: 'here' when this process owns it, 'forwarded' once it is durably with its owner. */
  route(flowId: string, envelope: Envelope): Promise<MessageRoute>
  /** Whether this process may load the flow into memory (it owns it). */
  owns(flowId: string): Promise<boolean>
  /** This process received the acknowledgement of a message it is not re-sending: the owner may be. */
  acknowledged(id: string): void
  /**
   * Hands an operation on a flow (encoded by the engine) to the process that owns it and resolves with that
   * process's encoded answer, once given (after a takeover when the owner died); 'here' when this process owns
   * the flow or no process does (it finished, or is not claimed yet). A `read` is asked only of an owner
   * whose lease holds ('here' otherwise: the store answers it).
   */
  ask(flowId: string, request: Buffer, read?: boolean): Promise<Buffer | 'here'>
  /** One attempt to hold `key` for this process: true when held (it was free, held by this process, or by one whose lease is gone). */
  claim(key: string): Promise<boolean>
  /** Lets go of a key `claim` held. */
  release(key: string): void
  /**
   * The node stopped: no more adoption or forwarding. `orderly` after `node.stop()` (a worker then hands its
   * flows over at once), not after a crash (they are taken over once its lease ran out).
   */
  detach(orderly: boolean): void
}

/** The embedded node's ownership: one process runs every flow. */
export const wholeNodeOwnership: FlowOwnership = Object.freeze({
  wholeNode: true,
  attach: () => undefined,
  route: () => Promise.resolve('here' as const),
  owns: () => Promise.resolve(true),
  acknowledged: () => undefined,
  ask: () => Promise.resolve('here' as const),
  claim: () => Promise.resolve(true),
  release: () => undefined,
  detach: () => undefined,
})
