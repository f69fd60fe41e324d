/**
 * Answering session inits: the responder's side of the handshake. A new init is recorded as processed
 * (late duplicates are dropped for the dedup window), negotiated against the registered responder
 * (handshake.ts) and answered with a reject, or with a confirm and a responder flow started in the same
 * batch. A draining node rejects every init, saying why. Whether an init was answered before is read
 * from the store: at once where it can tell on this turn (SQLite, `initAnswered`), else awaited; an init
 * being answered is remembered in memory from before that read until its batch commits, so a second copy
 * arriving meanwhile waits for the first and starts nothing. Worker processes of one node may each get a
 * copy of one init at the same moment: each holds the init's claim (node-claims.ts) before it reads and
 * until its answer committed, so the second reads the first's answer and drops its copy. A start
 * that fails (a write the store refuses) is answered with a reject saying why, and that flow fails alone.
 */
import { randomUUID } from 'node:crypto'
import type { Envelope, WireMessage } from '../network/wire.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { encode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { Clock } from './clock.js'
import { describeError } from './describe-error.js'
import { NodeStoppedError } from './engine-errors.js'
import { EngineSession } from './engine-session.js'
import type { EventHub } from './event-hub.js'
import type { FlowLauncher } from './flow-launcher.js'
import { FlowRun, type RunEnvironment } from './flow-run.js'
import { type HandshakeOutcome, negotiate } from './handshake.js'
import { type NodeClaims, claimKeys } from './node-claims.js'
import { RESPONDER_SCOPE, ROOT_SCOPE } from './journal-key.js'
import type { LoadedFlows } from './loaded-flows.js'
import { messageIds } from './message-ids.js'
import type { Outbox } from './outbox.js'
import type { Registrations } from './registrations.js'
import type { ResponderQuota } from './responder-quota.js'
import { ScopeContext } from './scope-context.js'
import { peerMessageKey, responderKey } from './session-key.js'

type Init = Extract<WireMessage, { t: 'init' }>

/** What a copy of an init answered on this turn waits for: its answer is queued, the copy's commit follows. */
const queued: Promise<void> = Promise.resolve()

export interface HandshakeParts {
  readonly node: string
  readonly draining: boolean
  readonly env: RunEnvironment
  readonly clock: Clock
  readonly logger: FlowLogger
  readonly store: Pick<FlowStore, 'initAnswered' | 'isProcessed' | 'sessionFlow' | 'putProcessed' | 'insertFlow' | 'commits'>
  readonly loaded: LoadedFlows
  readonly outbox: Outbox
  readonly registrations: Registrations
  readonly launcher: FlowLauncher
  readonly events: EventHub
  /** Open responder sessions per peer: an init past the quota is rejected (responder-quota.ts). */
  readonly responders: ResponderQuota
  /** Fails a responder flow whose start failed (flow-failure.ts). */
  readonly fail: (run: FlowRun, doing: string, cause: unknown) => void
  /** Whether the node stopped: nothing is answered any more. */
  readonly stopped: () => boolean
  /** An init for a protocol with no responder here: true when the hospital keeps it instead (hospital/held-inits.ts). */
  readonly hold: (envelope: Envelope, reason: string) => boolean
  /** Held while an init is decided, when other processes of the node may get copies of it. */
  readonly claims: NodeClaims
}

export class HandshakeAnswer {
  /**
   * Inits being answered, by sender and envelope id (peerMessageKey), from before the store is read until the batch answering them
   * commits: a copy arriving meanwhile waits for the first (and then for its commit) and starts nothing.
   */
  private readonly pending = new Map<string, Promise<void>>()

  constructor(private readonly parts: HandshakeParts) {}

  /** Resolves once the answer (or nothing, for an init answered before) is queued; undefined when memory decides. */
  answer(envelope: Envelope, body: Init): Promise<void> | undefined {
    const key = responderKey(envelope.from, body.session)
    if (this.parts.loaded.sessions.has(key)) return undefined
    this.parts.responders.throttle(envelope.from, this.parts.clock.now()) // past the quota: throws once a second's rejects are spent
    const seen = peerMessageKey(envelope.from, envelope.id)
    const inFlight = this.pending.get(seen)
    if (inFlight) return inFlight
    const answered = this.parts.store.initAnswered(seen, key)
    if (answered === true) return undefined
    if (answered === false) {
      this.pending.set(seen, queued) // until its batch commits (answerNew)
      this.answerNew(envelope, body, key, seen)
      return undefined
    }
    const answering = this.answerUnlessKnown(envelope, body, key, seen)
    this.pending.set(seen, answering)
    return answering
  }

  /** A held init whose responder is now registered (at open): answered as if it had just arrived. */
  resume(envelope: Envelope): void {
    const body = envelope.body as Init
    this.answerNew(envelope, body, responderKey(envelope.from, body.session), peerMessageKey(envelope.from, envelope.id))
  }

  private async answerUnlessKnown(envelope: Envelope, body: Init, key: string, seen: string): Promise<void> {
    const { store, loaded, claims } = this.parts
    let known: boolean
    const claim = claimKeys.init(seen)
    const letGo = () => {
      this.pending.delete(seen)
      claims.release(claim)
    }
    try {
      await claims.hold(claim) // before the reads: another process's answer is committed once it let go
      const [processed, flowId] = await Promise.all([store.isProcessed(seen), store.sessionFlow(key)])
      known = processed || flowId !== undefined || loaded.sessions.has(key)
    } catch (error) {
      letGo()
      throw error
    }
    if (this.parts.stopped()) {
      letGo()
      throw new NodeStoppedError(`${this.parts.node} is stopped`)
    }
    if (known) {
      letGo()
      return
    }
    this.answerNew(envelope, body, key, seen)
  }

  private answerNew(envelope: Envelope, body: Init, key: string, seen: string): void {
    const { node, store, outbox, env } = this.parts
    const registration = this.parts.registrations.responders.get(body.protocol)
    const overQuota = this.parts.draining ? undefined : this.parts.responders.refusal(envelope.from)
    const outcome: HandshakeOutcome = this.parts.draining
      ? { ok: false, reason: `${node} is draining: it finishes its flows in flight and accepts no new ones; try again after its upgrade` }
      : overQuota
        ? { ok: false, reason: overQuota }
        : negotiate(body.protocol, node, body.versions, registration?.versions)
    store.putProcessed(seen, this.parts.clock.now())
    store.commits.afterCommit(() => {
      this.pending.delete(seen)
      this.parts.claims.release(claimKeys.init(seen))
    })
    if (!outcome.ok && !registration && !overQuota && !this.parts.draining && this.parts.hold(envelope, outcome.reason)) return
    if (!outcome.ok) {
      // Past the quota, a line when the peer reaches it, not one per init it floods.
      if (!overQuota) this.parts.logger.warn(`Rejected a ${body.protocol} session from ${envelope.from}: ${outcome.reason}.`)
      else if (this.parts.responders.firstRefusal(envelope.from))
        this.parts.logger.warn(
          `Rejected a ${body.protocol} session from ${envelope.from}: ${outcome.reason}. Its further inits are rejected without a line each until it is below the quota again.`,
        )
      const reject: Envelope = {
        id: messageIds.reject(body.session),
        from: node,
        to: envelope.from,
        body: { t: 'reject', session: body.session, reason: outcome.reason },
      }
      outbox.queue(reject, key, undefined)
      return
    }
    let run: FlowRun | undefined
    try {
      const flowId = randomUUID()
      store.insertFlow(flowId, body.protocol, 'responder', encode(key), this.parts.clock.now())
      this.parts.responders.opened(flowId, envelope.from, this.parts.clock.now())
      run = new FlowRun(env, flowId, body.protocol, 'responder', new Map())
      const hash = registration!.versions.find((v) => v.version === outcome.version)!.hash
      const session = EngineSession.responding(run, envelope.from, body.session, body.protocol, outcome.version, hash)
      session.attach(new ScopeContext(run, RESPONDER_SCOPE))
      session.persist()
      outbox.queue(
        { id: messageIds.confirm(body.session), from: node, to: envelope.from, body: { t: 'confirm', session: body.session, version: outcome.version } },
        key,
        session,
      )
      if (body.first) session.deliver(0, { t: 'data', frame: body.first })
      this.parts.events.flowStarted(flowId, body.protocol, 'responder')
      const root = new ScopeContext(run, ROOT_SCOPE)
      this.parts.launcher.launch(run, () => registration!.run(session, root))
    } catch (error) {
      this.refuse(envelope, body, key, run, error)
    }
  }

  /**
   * The responder could not be started (a write the store refused): the initiator gets a reject saying why
   * (unless a confirm already went into the outbox, then the failed flow's error frame ends its session),
   * and the flow begun for it is failed like any other (flow-failure.ts).
   */
  private refuse(envelope: Envelope, body: Init, key: string, run: FlowRun | undefined, cause: unknown): void {
    const { node, outbox, logger } = this.parts
    const reason = `${node} could not start its ${body.protocol} responder: ${describeError(cause)}`
    try {
      outbox.queue({ id: messageIds.reject(body.session), from: node, to: envelope.from, body: { t: 'reject', session: body.session, reason } }, key, undefined)
    } catch (error) {
      logger.error(`${reason}; the reject for ${envelope.from} could not be queued either (${describeError(error)}).`)
    }
    if (run) this.parts.fail(run, `answering ${envelope.from}'s ${body.protocol} session`, cause)
  }
}
