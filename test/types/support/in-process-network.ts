/**
 * An in-process network of parties for driving generated protocol states without the durable engine:
 * `openSession` negotiates the highest common version with the counterparty's registered responder (as
 * the real handshake does, hashes included) and connects both sides through in-memory mailboxes.
 * Nothing is journaled; side effects in `ctx.step` simply run.
 */
import {
  type FlowContext,
  type FlowLogger,
  type ResponderRegistration,
  type SessionChannel,
  type SessionFrame,
  type SessionRequest,
  UnexpectedFlowEndError,
} from '../../../runtime/index.js'

/** One direction of a session: frames in FIFO order, then (once closed) the reason it ended. */
class Mailbox {
  readonly #frames: SessionFrame[] = []
  readonly #waiters: { resolve(frame: SessionFrame): void; reject(error: Error): void }[] = []
  #closed: Error | undefined

  put(frame: SessionFrame): void {
    if (this.#closed) return
    const waiter = this.#waiters.shift()
    if (waiter) waiter.resolve(frame)
    else this.#frames.push(frame)
  }

  take(): Promise<SessionFrame> {
    const frame = this.#frames.shift()
    if (frame) return Promise.resolve(frame)
    if (this.#closed) return Promise.reject(this.#closed)
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }))
  }

  /** Frames already queued are still delivered; later receives reject with `reason`. */
  close(reason: Error): void {
    if (this.#closed) return
    this.#closed = reason
    for (const waiter of this.#waiters.splice(0)) waiter.reject(reason)
  }
}

/** A session as the network saw it: who talked, the negotiated version and how the responder ended. */
export interface OpenedSession {
  readonly protocol: string
  readonly version: number
  readonly initiator: string
  readonly responder: string
  /** Settles when the responder's handler returns or throws. */
  readonly responderOutcome: Promise<PromiseSettledResult<unknown>>
}

export class InProcessNetwork {
  readonly #responders = new Map<string, ResponderRegistration[]>()
  readonly #sessions: OpenedSession[] = []
  #flowCount = 0

  /** Registers `registration` as what `party` answers sessions of its protocol with. */
  register(party: string, registration: ResponderRegistration): this {
    const list = this.#responders.get(party) ?? []
    list.push(registration)
    this.#responders.set(party, list)
    return this
  }

  get sessions(): readonly OpenedSession[] {
    return this.#sessions
  }

  /**
   * Runs `flow` as a flow of party `me`. When it ends, either way, its sessions close, so a counterparty
   * still waiting on them sees UnexpectedFlowEndError instead of hanging.
   */
  async run<T>(me: string, flow: (ctx: FlowContext) => Promise<T>): Promise<T> {
    const closers: ((reason: Error) => void)[] = []
    const context = this.#context(me, closers)
    try {
      return await flow(context)
    } finally {
      for (const close of closers) close(new UnexpectedFlowEndError(`${me}'s flow ${context.flowId} ended.`))
    }
  }

  #context(me: string, closers: ((reason: Error) => void)[]): FlowContext {
    const flowId = `${me}-${++this.#flowCount}`
    return {
      me,
      flowId,
      step: async (_name, fn) => fn(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      log: silentLogger,
      subFlow: (flow, args) => this.run(me, (child) => flow.run(child, args)),
      openSession: async (request) => {
        const { channel, close } = this.#open(me, request)
        closers.push(close)
        return channel
      },
    }
  }

  #open(me: string, request: SessionRequest): { channel: SessionChannel; close(reason: Error): void } {
    const registration = this.#responders.get(request.counterparty)?.find((r) => r.protocol === request.protocol)
    if (!registration) {
      throw new UnexpectedFlowEndError(`${request.counterparty} has no responder registered for ${request.protocol}.`)
    }
    const version = negotiate(request, registration)
    const toResponder = new Mailbox()
    const toInitiator = new Mailbox()
    const channel = (role: string, party: string, counterparty: string, inbox: Mailbox, outbox: Mailbox): SessionChannel => ({
      protocol: request.protocol,
      version,
      role,
      counterparty,
      send: async (frame) => outbox.put(frame),
      receive: () => inbox.take(),
      // Reaching the protocol's end: the peer reads what was sent, then learns the session is over.
      close: async () => outbox.close(new UnexpectedFlowEndError(`${party} ended the ${request.protocol} session.`)),
    })
    // A registration does not say its role names, and nothing reads `role` off the channel: name the side.
    const initiatorChannel = channel('initiator', me, request.counterparty, toInitiator, toResponder)
    const responderChannel = channel('responder', request.counterparty, me, toResponder, toInitiator)
    const responderOutcome = this.run(request.counterparty, (context) => registration.run(responderChannel, context)).then(
      (value): PromiseSettledResult<unknown> => ({ status: 'fulfilled', value }),
      (reason: unknown): PromiseSettledResult<unknown> => ({ status: 'rejected', reason }),
    )
    // The responder's flow ending (also by an error) ends the session for the initiator.
    void responderOutcome.then(() => toInitiator.close(new UnexpectedFlowEndError(`${request.counterparty}'s flow ended the ${request.protocol} session.`)))
    this.#sessions.push({ protocol: request.protocol, version, initiator: me, responder: request.counterparty, responderOutcome })
    return { channel: initiatorChannel, close: (reason) => toResponder.close(reason) }
  }
}

/** The highest version both sides declare; equal numbers with different definitions are refused. */
function negotiate(request: SessionRequest, registration: ResponderRegistration): number {
  const theirs = new Map(registration.versions.map((v) => [v.version, v.hash]))
  let best: number | undefined
  for (const offer of request.versions) {
    const hash = theirs.get(offer.version)
    if (hash === undefined) continue
    if (hash !== offer.hash) {
      throw new UnexpectedFlowEndError(
        `${request.protocol} v${offer.version} is defined differently on the two sides (${offer.hash} vs ${hash}); regenerate or bump the version.`,
      )
    }
    if (best === undefined || offer.version > best) best = offer.version
  }
  if (best === undefined) {
    const list = (vs: readonly { version: number }[]) => vs.map((v) => `v${v.version}`).join(', ') || 'none'
    throw new UnexpectedFlowEndError(
      `${request.protocol}: no common version (initiator offers ${list(request.versions)}, ${request.counterparty} accepts ${list(registration.versions)}).`,
    )
  }
  return best
}

/** A responder that accepts only `versions`, like a peer still running an older release. */
export function onlyVersions(registration: ResponderRegistration, versions: readonly number[]): ResponderRegistration {
  return { ...registration, versions: registration.versions.filter((v) => versions.includes(v.version)) }
}

const silentLogger: FlowLogger = { info() {}, warn() {}, error() {} }
