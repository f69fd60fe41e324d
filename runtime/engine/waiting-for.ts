/**
 * What a flow waits for right now, as operators ask it ("why is it stuck?"): a message from a party at a
 * protocol step, a session's handshake answer, a durable timer, or an external event (ctx.waitFor). A run
 * keeps the waits of its branches while they last (FlowRun.wait); eviction writes an evicted run's to its
 * row (eviction.ts), so node.flowStatus answers for it without loading it.
 */
import type { ReceiveExpectation } from '../protocol/session/channel.js'

/** Where in the flow the wait is: the sub-flows it runs in, outermost first (absent at the flow's top level). */
export interface WaitPlace {
  readonly subFlows?: readonly string[]
}

/** What a flow waits for, and where (`subFlows`). */
export type WaitingFor = WaitPlace & WaitKind

type WaitKind =
  /** A message or choice on a session; `step` and `label` are what the protocol expects next (null when unknown). */
  | {
      readonly kind: 'message'
      readonly party: string
      readonly protocol: string
      readonly version: number
      readonly step: string | null
      readonly label: string | null
    }
  /**
   * The answer (confirm or reject) to a session this flow opened; `held` once the party said its flow
   * hospital keeps the init (no responder for the protocol there), with its reason.
   */
  | { readonly kind: 'handshake'; readonly party: string; readonly protocol: string; readonly held?: { readonly reason: string } }
  /** A durable timer (ctx.sleep), due at `until` (epoch ms on the node's clock). */
  | { readonly kind: 'timer'; readonly until: number }
  /**
   * An external event (ctx.waitFor) that node.signal delivers; `timeoutAt` when the wait has a timeout;
   * `schema`, the JSON Schema of the payload the flow accepts, when its zod schema converts to one.
   */
  | { readonly kind: 'event'; readonly name: string; readonly timeoutAt?: number; readonly schema?: unknown }

/** The session as a wait names it, and the scope its handler runs in. */
interface WaitedSession {
  readonly counterparty: string
  readonly protocol: string
  readonly version: number
  readonly context?: { readonly subFlows?: readonly string[] } | undefined
}

/** `{ subFlows }` for a wait inside sub-flows, nothing at the top level. */
export function waitPlace(subFlows: readonly string[] | undefined): WaitPlace {
  return subFlows && subFlows.length > 0 ? { subFlows } : {}
}

/** A receive on `session`, expecting what the protocol state said (if it did). */
export function messageWait(session: WaitedSession, expecting: ReceiveExpectation | undefined): WaitingFor {
  const { counterparty: party, protocol, version } = session
  const label = expecting?.label ?? null
  return { kind: 'message', party, protocol, version, step: expecting?.step ?? null, label, ...waitPlace(session.context?.subFlows) }
}

/** The wait for the answer to an init; `heldReason` when the responder said its hospital holds the init. */
export function handshakeWait(session: WaitedSession, heldReason: string | null): WaitingFor {
  const held = heldReason === null ? {} : { held: { reason: heldReason } }
  return { kind: 'handshake', party: session.counterparty, protocol: session.protocol, ...held, ...waitPlace(session.context?.subFlows) }
}

/**
 * The responder's hospital holds the init a handshake wait in progress waits for: the wait says so from now
 * on. The wait object is changed in place, as the run keeps its waits by identity (FlowRun.wait).
 */
export function markHeld(wait: WaitingFor, reason: string): void {
  if (wait.kind === 'handshake') (wait as { held?: { reason: string } }).held = { reason }
}

/** One line for logs and messages, e.g. `message 'offer' from Bob (Trade v1, step 2 of 4) in sub-flow pay`. */
export function describeWaitingFor(waiting: WaitingFor): string {
  const where = waiting.subFlows ? ` in sub-flow ${waiting.subFlows.join(' > ')}` : ''
  return describeWhat(waiting) + where
}

function describeWhat(waiting: WaitingFor): string {
  switch (waiting.kind) {
    case 'message': {
      const what = waiting.label === null ? 'a message' : `message '${waiting.label}'`
      const step = waiting.step === null ? '' : `, ${waiting.step}`
      return `${what} from ${waiting.party} (${waiting.protocol} v${waiting.version}${step})`
    }
    case 'handshake': {
      const held = waiting.held ? ` (held by ${waiting.party}'s flow hospital: ${waiting.held.reason})` : ''
      return `${waiting.party}'s answer to a ${waiting.protocol} session${held}`
    }
    case 'timer':
      return `a timer due at ${new Date(waiting.until).toISOString()}`
    case 'event':
      return `event '${waiting.name}'${waiting.timeoutAt === undefined ? '' : ` until ${new Date(waiting.timeoutAt).toISOString()}`}`
  }
}
