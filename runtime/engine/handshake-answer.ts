/**
 * Answering session inits: the responder's side of the handshake. A new init is recorded as processed
 * (late duplicates are dropped for the dedup window), negotiated against the registered responder
 * (handshake.ts) and answered with a reject, or with a confirm and a responder flow started in the same
 * batch. A draining node rejects every init, saying why.
 */
import { randomUUID } from 'node:crypto'
import type { Envelope, WireMessage } from '../network/wire.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { encode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { Clock } from './clock.js'
import { EngineSession } from './engine-session.js'
import type { EventHub } from './event-hub.js'
import type { FlowLauncher } from './flow-launcher.js'
import { FlowRun, type RunEnvironment } from './flow-run.js'
import { type HandshakeOutcome, negotiate } from './handshake.js'
import { RESPONDER_SCOPE, ROOT_SCOPE } from './journal-key.js'
import type { LoadedFlows } from './loaded-flows.js'
import { messageIds } from './message-ids.js'
import type { Outbox } from './outbox.js'
import type { Registrations } from './registrations.js'
import { ScopeContext } from './scope-context.js'
import { responderKey } from './session-key.js'

export interface HandshakeParts {
  readonly node: string
  readonly draining: boolean
  readonly env: RunEnvironment
  readonly clock: Clock
  readonly logger: FlowLogger
  readonly store: Pick<FlowStore, 'isProcessed' | 'sessionFlow' | 'putProcessed' | 'insertFlow' | 'commits'>
  readonly loaded: LoadedFlows
  readonly outbox: Outbox
  readonly registrations: Registrations
  readonly launcher: FlowLauncher
  readonly events: EventHub
}

export class HandshakeAnswer {
  /** Inits answered in the batch being committed: a duplicate arriving meanwhile is dropped too. */
  private readonly pending = new Set<string>()

  constructor(private readonly parts: HandshakeParts) {}

  answer(envelope: Envelope, body: Extract<WireMessage, { t: 'init' }>): void {
    const { node, store, loaded, outbox, env } = this.parts
    const key = responderKey(envelope.from, body.session)
    if (loaded.sessions.has(key) || this.pending.has(envelope.id) || store.isProcessed(envelope.id) || store.sessionFlow(key)) return
    const registration = this.parts.registrations.responders.get(body.protocol)
    const outcome: HandshakeOutcome = this.parts.draining
      ? { ok: false, reason: `${node} is draining: it finishes its flows in flight and accepts no new ones; try again after its upgrade` }
      : negotiate(body.protocol, node, body.versions, registration?.versions)
    this.pending.add(envelope.id)
    store.putProcessed(envelope.id, this.parts.clock.now())
    store.commits.afterCommit(() => this.pending.delete(envelope.id))
    if (!outcome.ok) {
      this.parts.logger.warn(`Rejected a ${body.protocol} session from ${envelope.from}: ${outcome.reason}.`)
      const reject: Envelope = {
        id: messageIds.reject(body.session),
        from: node,
        to: envelope.from,
        body: { t: 'reject', session: body.session, reason: outcome.reason },
      }
      outbox.queue(reject, key, undefined)
      return
    }
    const flowId = randomUUID()
    store.insertFlow(flowId, body.protocol, 'responder', encode(key), this.parts.clock.now())
    const run = new FlowRun(env, flowId, body.protocol, 'responder', new Map())
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
  }
}
