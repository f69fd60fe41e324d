/**
 * The inbound path: every envelope the network delivers goes network -> inbound -> session -> run. Inits
 * go to the handshake answer; a confirm or reject opens or fails the initiator's session and releases or
 * drops the frames held for it; a held notice (the peer's hospital keeps the init) is recorded on the
 * session while it is still opening and otherwise dropped (a copy, or one overtaken by the answer); data, end and error go to their session's inbox (rehydrating an evicted
 * flow first). A message from a party that is not the session's counterparty is dropped and logged.
 * `deliver` resolves once what it recorded is committed: only then does the transport acknowledge.
 * A message for a session in memory is handled without awaiting anything but the commit; only a session
 * that is not in memory is looked up in the store (awaited) and its flow rehydrated. A message its session
 * cannot take (its inbox write throws) fails that flow alone and is then acknowledged like any message for
 * a flow that ended. With worker processes (flow-ownership.ts), a message for a flow another worker owns is
 * forwarded to it and acknowledged once the hand-over is durable.
 */
import type { Envelope, WireMessage } from '../network/wire.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { FlowStore } from '../store/flow-store.js'
import type { Clock } from './clock.js'
import { EngineInvariantError, FlowParkedError, NodeStoppedError } from './engine-errors.js'
import type { FlowFailure } from './flow-failure.js'
import type { FlowOwnership } from './flow-ownership.js'
import type { FlowSession } from './flow-session.js'
import type { HandshakeAnswer } from './handshake-answer.js'
import type { HeldFramesQuota } from './held-frames-quota.js'
import type { InboxEvent } from './inbox-event.js'
import type { LoadedFlows } from './loaded-flows.js'
import { messageIds } from './message-ids.js'
import type { Outbox } from './outbox.js'
import type { Parking } from './parking.js'
import type { Recovery } from './recovery.js'
import type { ResponderQuota } from './responder-quota.js'
import { initiatorKey, peerMessageKey, responderKey } from './session-key.js'

export interface InboundParts {
  readonly node: string
  readonly clock: Clock
  readonly logger: FlowLogger
  readonly store: Pick<FlowStore, 'sessionFlow' | 'putProcessed' | 'commits'>
  readonly loaded: LoadedFlows
  readonly parking: Parking
  readonly recovery: Recovery
  readonly outbox: Outbox
  readonly handshake: HandshakeAnswer
  /** Frames ahead past the quota are refused, not acknowledged (held-frames-quota.ts). */
  readonly held: HeldFramesQuota
  /** When each responder last heard from its initiator (responder-deadline.ts). */
  readonly responders: ResponderQuota
  /** A message its session could not take fails that session's flow (flow-failure.ts); the message is then done with. */
  readonly failure: Pick<FlowFailure, 'failFlow'>
  /** Whether the node stopped: nothing is taken any more. */
  readonly stopped: () => boolean
  /** Which process runs a flow that is not in memory (flow-ownership.ts): another one gets its messages forwarded. */
  readonly ownership: Pick<FlowOwnership, 'wholeNode' | 'route'>
}

/** A message for a flow another process owns was handed to it (durably): nothing more to do here. */
const FORWARDED = Symbol('forwarded')

type SessionMessage = Extract<WireMessage, { t: 'data' | 'end' | 'error' }>
type Answer = Extract<WireMessage, { t: 'confirm' | 'reject' | 'held' }>

export class Inbound {
  constructor(private readonly parts: InboundParts) {}

  async deliver(envelope: Envelope): Promise<void> {
    const parts = this.parts
    if (parts.stopped()) throw new NodeStoppedError(`${parts.node} is stopped`)
    // Handlers return a Promise only when they had to read the store (a session or init not in memory).
    const reading = this.dispatch(envelope)
    if (reading) await reading
    await parts.store.commits.commit()
  }

  /**
   * By message kind, session messages (the most frequent) first. A plain switch rather than ts-pattern: this
   * runs for every message, and the `never` default still makes a new wire kind a compile error here.
   */
  private dispatch(envelope: Envelope): Promise<void> | undefined {
    const body = envelope.body
    switch (body.t) {
      case 'data':
      case 'end':
      case 'error':
        return this.onSessionMessage(envelope, body)
      case 'confirm':
      case 'reject':
      case 'held':
        return this.onAnswer(envelope, body)
      case 'init':
        return this.parts.handshake.answer(envelope, body)
      default:
        return unhandled(body)
    }
  }

  /** The peer answered an init this node sent, or said it holds it. */
  private onAnswer(envelope: Envelope, body: Answer): Promise<void> | undefined {
    const key = initiatorKey(body.session)
    const session = this.parts.loaded.sessions.get(key)
    if (session) return this.answered(envelope, body, session)
    return this.findStored(key, envelope).then((found) => (found === FORWARDED ? undefined : this.answered(envelope, body, found)))
  }

  private answered(envelope: Envelope, body: Answer, session: FlowSession | undefined): undefined {
    const { outbox } = this.parts
    if (session && session.counterparty !== envelope.from) {
      this.refuseForeign(envelope, session)
      return
    }
    // Held frames are the outbox's (by session key), so they leave or are dropped also when the flow was
    // evicted since. A flow not found (killed, being killed) keeps none: its kill discards them.
    if (session && session.status === 'opening') {
      try {
        if (body.t === 'confirm') {
          session.onConfirm(body.version)
          outbox.release(session.key)
        } else if (body.t === 'held') session.onHeld(body.reason)
        else {
          session.onReject(body.reason)
          outbox.discardHeld(session.key)
        }
      } catch (error) {
        this.parts.failure.failFlow(session.flowId, `taking ${envelope.from}'s answer to its ${session.protocol} session`, error)
      }
    }
    // The peer answered the init, or holds it: it no longer needs re-sending.
    outbox.answered(messageIds.init(body.session))
    return undefined
  }

  private onSessionMessage(envelope: Envelope, body: SessionMessage): Promise<void> | undefined {
    const key = body.dir === 'i' ? responderKey(envelope.from, body.session) : initiatorKey(body.session)
    const session = this.parts.loaded.sessions.get(key)
    if (session) return this.toSession(envelope, body, session)
    return this.findStored(key, envelope).then((found) => (found === FORWARDED ? undefined : this.toSession(envelope, body, found)))
  }

  private toSession(envelope: Envelope, body: SessionMessage, session: FlowSession | undefined): undefined {
    if (session && session.counterparty !== envelope.from) this.refuseForeign(envelope, session)
    else if (session?.live && session.status !== 'closed') {
      const event = toEvent(body)
      // Past the quota this throws: nothing stored, nothing acknowledged, the sender sends it again later.
      if (body.seq > session.recvSeq) this.parts.held.admit(session, body.seq, event)
      if (body.dir === 'i') this.parts.responders.heard(session.flowId, this.parts.clock.now())
      try {
        session.deliver(body.seq, event)
      } catch (error) {
        this.parts.failure.failFlow(session.flowId, `taking a ${body.t} message from ${envelope.from}`, error)
      }
    } else if (!session && body.t === 'error' && body.dir === 'i') {
      // The initiator ended (e.g. was killed) before its init got here: a late init must not start a responder.
      // Remembered for this sender only: another party's error must not stand for the initiator's.
      this.parts.store.putProcessed(peerMessageKey(envelope.from, messageIds.init(body.session)), this.parts.clock.now())
    }
    // Anything else belongs to a session that ended here: dropped, and acknowledged so it stops.
    return undefined
  }

  /** An authenticated party wrote into a session this node has with someone else: dropped, logged, nothing stored. */
  private refuseForeign(envelope: Envelope, session: FlowSession): void {
    this.parts.logger.warn(
      `${this.parts.node} dropped a ${envelope.body.t} message from ${envelope.from} for session ${envelope.body.session}, which it has with ${session.counterparty}: a party may only write to its own sessions.`,
      { party: envelope.from, reason: 'foreign-session', session: envelope.body.session },
    )
  }

  /**
   * A session not in memory: its flow is found in the store and rehydrated (one rehydration per flow,
   * recovery.ts), or, when another process of the node owns the flow, the message is forwarded to it.
   */
  private async findStored(key: string, envelope: Envelope): Promise<FlowSession | undefined | typeof FORWARDED> {
    const { loaded, store, parking, recovery, node, ownership } = this.parts
    const flowId = await store.sessionFlow(key)
    if (this.parts.stopped()) throw new NodeStoppedError(`${node} is stopped`)
    const found = loaded.sessions.get(key) // loaded while the store was read
    if (found || !flowId) return found
    if (!ownership.wholeNode && (await ownership.route(flowId, envelope)) === 'forwarded') return FORWARDED
    if (parking.has(flowId) || recovery.kept(flowId)) {
      // Not processed: the sender keeps the message and re-sends it, until a build that can run the flow takes it
      // (or the hospital lets the flow run again).
      const where = parking.has(flowId) ? 'parked' : 'in its hospital'
      throw new FlowParkedError(`${node} keeps flow ${flowId} ${where}; the message for it stays with its sender.`)
    }
    await recovery.rehydrate(flowId)
    if (this.parts.stopped()) throw new NodeStoppedError(`${node} is stopped`)
    return loaded.sessions.get(key)
  }
}

function toEvent(body: SessionMessage): InboxEvent {
  if (body.t === 'data') return { t: 'data', frame: body.frame }
  if (body.t === 'end') return { t: 'end' }
  return { t: 'error', exception: body.exception }
}

function unhandled(body: never): never {
  throw new EngineInvariantError(`Inbound got a wire message of unknown kind ${JSON.stringify((body as { t?: unknown }).t)}; this is a bug in the engine.`)
}
