/**
 * A durable session: the SessionChannel the engine gives protocol states. What a flow sends goes one way: the session records it
 * in the run's journal, queues the envelope in the outbox with the same batch, and the outbox transmits it once the batch commits.
 * Received frames wait in the inbox (written when they arrive) and a receive journals which sequence number it consumed. On
 * replay, recorded sends and receives return without touching the network (a send checks that it sends the same payload).
 */
import type { Envelope, WireException } from '../network/wire.js'
import type { ReceiveExpectation, SessionFrame, SessionRequest } from '../protocol/session/channel.js'
import { encode as encodeEvent } from '../store/codec.js'
import type { SessionRow } from '../store/store-rows.js'
import { ConfirmWaiters } from './confirm-waiters.js'
import { EngineInvariantError, StoreInconsistentError } from './engine-errors.js'
import type { FlowRun } from './flow-run.js'
import type { FlowSession, SessionScope, SessionStatus } from './flow-session.js'
import { sessionWait } from './hospital/receive-timeout.js'
import type { InboxEvent } from './inbox-event.js'
import { keepingContent } from './journal-entry.js'
import { messageIds } from './message-ids.js'
import { assertSameSend, assertSendable, frameDigest } from './send-checks.js'
import { assertUsable, rejection } from './session-usable.js'
import { type DirectionCode, type SessionDirection, directionCode, initiatorKey, parseSessionKey, responderKey } from './session-key.js'
import { messageWait } from './waiting-for.js'
import { peerEndError } from './wire-exceptions.js'

export class EngineSession implements FlowSession {
  readonly flowId: string
  version: number
  /** Definition hash of the negotiated version as this side runs it (null until the handshake completed). */
  hash: string | null = null
  status: SessionStatus
  reason: string | null = null
  context: SessionScope | undefined
  /** What the flow opened it with (an initiator's, once its open ran or replayed). */
  request: SessionRequest | undefined
  /** Next sequence number this side sends (the responder's 0 is its confirm). */
  sendSeq: number
  /** Next sequence number this side consumes. */
  recvSeq: number
  initSent: boolean
  /** Frames received and not yet consumed, by sequence number. */
  readonly inbox = new Map<number, InboxEvent>()
  /** The peer's end or error arrived: no end or error is sent back to it. */
  peerGone = false
  /** The wire code of `direction`, computed once: it is in every frame this side sends. */
  private readonly dir: DirectionCode
  private receiver: { seq: number; resolve: (event: InboxEvent) => void } | undefined
  private readonly confirmWaiters = new ConfirmWaiters()

  private constructor(
    readonly run: FlowRun,
    readonly key: string,
    readonly id: string,
    readonly direction: SessionDirection,
    readonly counterparty: string,
    readonly protocol: string,
    version: number,
    status: SessionStatus,
  ) {
    this.flowId = run.flowId
    this.version = version
    this.status = status
    this.dir = directionCode(direction)
    const initiator = direction === 'initiator'
    this.sendSeq = initiator ? 0 : 1
    this.recvSeq = initiator ? 1 : 0
    this.initSent = !initiator || status !== 'opening'
    run.sessions.set(key, this)
    run.env.sessions.register(this)
  }

  get role(): string {
    return this.direction
  }

  get live(): boolean {
    return this.run.alive
  }

  static initiating(run: FlowRun, id: string, request: SessionRequest, version: number): EngineSession {
    return new EngineSession(run, initiatorKey(id), id, 'initiator', request.counterparty, request.protocol, version, 'opening')
  }

  /** The responder's session of a flow answering `from`'s init; its scope is attached by the caller. */
  static responding(run: FlowRun, from: string, id: string, protocol: string, version: number, hash: string): EngineSession {
    const session = new EngineSession(run, responderKey(from, id), id, 'responder', from, protocol, version, 'open')
    session.hash = hash
    return session
  }

  static fromRow(run: FlowRun, row: SessionRow): EngineSession {
    const { direction, id } = parseSessionKey(row.key, row.peer)
    const held = row.status === 'held'
    const session = new EngineSession(run, row.key, id, direction, row.peer, row.protocol, row.version ?? 0, held ? 'opening' : row.status)
    if (held) session.confirmWaiters.held(row.reason ?? '')
    else session.reason = row.reason
    session.hash = row.hash
    // Several versions on offer (no version yet): the init left with the open, in the batch that wrote this row.
    if (direction === 'initiator' && row.version === null) session.initSent = true
    return session
  }

  attach(context: SessionScope, request?: SessionRequest): void {
    this.context = context
    if (request) this.request = request
  }

  persist(): void {
    const row: SessionRow = {
      key: this.key,
      flow_id: this.run.flowId,
      peer: this.counterparty,
      protocol: this.protocol,
      version: this.version || null,
      status: this.status === 'closed' ? 'open' : this.status,
      reason: this.reason,
      hash: this.hash ?? this.offeredHash(this.version),
    }
    this.run.lastBatch = this.run.env.store.putSession(row)
  }

  /** The hash this initiating side offered for `version`, when its request is known (a session restored before its open was
   * replayed does not know it yet; the start-up check then reads the open's journal). */
  private offeredHash(version: number): string | null {
    if (!version) return null
    return this.request?.versions.find((v) => v.version === version)?.hash ?? null
  }

  sendInit(first: SessionFrame | null): void {
    const env = this.run.env
    // A session whose version is already settled (one version offered when it opened) offers only that
    // one, also when it resumes under code that declares more.
    const offered = this.request?.versions ?? []
    const versions = this.version ? offered.filter((v) => v.version === this.version) : offered
    const init: Envelope = {
      id: messageIds.init(this.id),
      from: env.node,
      to: this.counterparty,
      body: { t: 'init', session: this.id, protocol: this.protocol, versions, first },
    }
    this.run.lastBatch = env.outbox.queue(init, this.key, this)
    this.initSent = true
  }

  async send(frame: SessionFrame): Promise<void> {
    const run = this.run
    if (!run.alive) return run.hang()
    assertSendable(run.name, this, frame)
    const { key, where } = this.scope().nextKey()
    const entry = run.recorded(key, { k: 'send', what: frame.label }, where)
    if (entry?.k === 'send') {
      assertSameSend(run, entry.d, frame, where)
      this.sendSeq = entry.seq + 1
      this.initSent = true
      return
    }
    assertUsable(this, 'send')
    const head = this.inbox.get(this.recvSeq)
    if (head && head.t !== 'data') throw this.eventError(head, `send '${frame.label}'`)
    const seq = this.sendSeq // taken once queued: if queueing throws, the flow's error frame gets this number
    const sent = { k: 'send', label: frame.label, seq, d: frameDigest(frame) } as const
    run.record(key, run.env.keepSentPayloads ? keepingContent(sent, frame) : sent)
    if (!this.initSent) this.sendInit(frame)
    else this.queueFrame({ t: 'data', session: this.id, dir: this.dir, seq, frame })
    this.sendSeq = seq + 1
    run.env.events.sessionAction(run, this, 'send', frame.label)
    await run.commit()
  }

  async receive(expecting?: ReceiveExpectation): Promise<SessionFrame> {
    const run = this.run
    if (!run.alive) return run.hang()
    const { key, where } = this.scope().nextKey()
    const entry = run.recorded(key, { k: 'recv' }, where)
    if (entry?.k === 'recv') {
      const event = this.inbox.get(entry.seq)
      this.inbox.delete(entry.seq)
      this.recvSeq = entry.seq + 1
      this.initSent = true
      if (!event)
        throw new StoreInconsistentError(
          `The store of ${run.env.node} lacks frame ${entry.seq} of session ${this.id} that flow ${run.flowId} journaled as received; the database was modified outside Colloquy.`,
        )
      return this.interpret(event)
    }
    assertUsable(this, 'receive')
    if (this.direction === 'initiator') await this.confirmed()
    const seq = this.recvSeq
    const event = this.inbox.get(seq) ?? (await sessionWait<InboxEvent>(this, (resolve) => (this.receiver = { seq, resolve }), messageWait(this, expecting)))
    this.receiver = undefined
    this.inbox.delete(seq)
    this.recvSeq = seq + 1
    run.record(key, { k: 'recv', seq })
    if (event.t === 'data') run.env.events.sessionAction(run, this, 'receive', event.frame.label)
    return this.interpret(event)
  }

  /** The role reached the protocol's end: tell the peer, once the handshake completed. */
  async close(): Promise<void> {
    const run = this.run
    if (!run.alive) return run.hang()
    const { key, where } = this.scope().nextKey()
    const entry = run.recorded(key, { k: 'close' }, where)
    if (entry?.k === 'close') {
      this.sendSeq = entry.seq + 1
      this.status = 'closed'
      this.initSent = true
      return
    }
    if (this.status === 'closed') return
    if (this.direction === 'initiator') await this.confirmed()
    const seq = this.sendSeq
    run.record(key, { k: 'close', seq })
    if (!this.peerGone) this.queueFrame({ t: 'end', session: this.id, dir: this.dir, seq })
    this.sendSeq = seq + 1
    this.status = 'closed'
    run.env.events.sessionAction(run, this, 'end', null)
    await run.commit()
  }

  finalMessage(failure: { error: unknown; wire: WireException | null } | null): void {
    if (this.status === 'closed' || this.status === 'rejected' || this.peerGone || !this.initSent) return
    const seq = this.sendSeq++
    this.queueFrame(
      failure ? { t: 'error', session: this.id, dir: this.dir, seq, exception: failure.wire } : { t: 'end', session: this.id, dir: this.dir, seq },
    )
  }

  /** An initiator's session is usable once the peer confirmed: the init leaves now if it has not yet. */
  private confirmed(): Promise<void> {
    if (!this.initSent) this.sendInit(null)
    return this.confirmation()
  }

  confirmation(): Promise<void> {
    if (this.status === 'open' || this.status === 'closed') return Promise.resolve()
    if (this.status === 'rejected') return Promise.reject(rejection(this))
    return this.confirmWaiters.wait(this)
  }

  /** The status stays 'opening' (the row's is 'held'); a copy, or a notice overtaken by the answer, changes nothing. */
  onHeld(reason: string): void {
    if (this.status !== 'opening' || !this.confirmWaiters.held(reason)) return
    this.run.lastBatch = this.run.env.store.updateSession(this.key, 'held', this.version || null, reason, this.hash ?? this.offeredHash(this.version))
    this.run.env.events.sessionAction(this.run, this, 'held', null, reason)
  }

  onConfirm(version: number): void {
    this.status = 'open'
    this.version = version
    this.hash = this.offeredHash(version)
    this.run.lastBatch = this.run.env.store.updateSession(this.key, 'open', version, null, this.hash)
    this.confirmWaiters.confirmed()
  }

  onReject(reason: string): void {
    this.status = 'rejected'
    this.reason = reason
    this.run.lastBatch = this.run.env.store.updateSession(this.key, 'rejected', this.version || null, reason, null)
    this.confirmWaiters.rejected(rejection(this))
  }

  deliver(seq: number, event: InboxEvent): boolean {
    if (seq < this.recvSeq || this.inbox.has(seq)) return false
    const run = this.run
    this.inbox.set(seq, event)
    run.touchedInbox = true
    run.lastBatch = run.env.store.putInbox(this.key, seq, run.flowId, encodeEvent(event))
    if (event.t !== 'data') this.peerGone = true
    if (this.receiver?.seq === seq) this.receiver.resolve(event)
    return true
  }

  restore(seq: number, event: InboxEvent): void {
    this.inbox.set(seq, event)
    if (event.t !== 'data') this.peerGone = true
  }

  private queueFrame(body: Extract<Envelope['body'], { dir: 'i' | 'r' }>): void {
    const env = this.run.env
    this.run.lastBatch = env.outbox.queue({ id: messageIds.frame(this.id, this.dir, body.seq), from: env.node, to: this.counterparty, body }, this.key, this)
  }

  private scope(): SessionScope {
    if (!this.context)
      throw new EngineInvariantError(`Session ${this.id} of flow ${this.run.flowId} was used before its open was replayed; this is a bug in the engine.`)
    return this.context
  }

  private interpret(event: InboxEvent): SessionFrame {
    if (event.t === 'data') return event.frame
    throw this.eventError(event, 'receive a message')
  }

  private eventError(event: Exclude<InboxEvent, { t: 'data' }>, attempted: string): Error {
    return peerEndError(event, this.counterparty, this.protocol, attempted)
  }
}
