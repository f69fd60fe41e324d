/**
 * Both roles of a protocol run against each other in process, without nodes or stores: the initiating
 * flow's sessions go to `responder`, on the highest version both declare (hashes compared as in the real
 * handshake). Nothing is journaled. When either side ends, either way, the other sees the session end at its
 * next receive (UnexpectedFlowEndError, or the FlowException it raised), so a failing side never leaves
 * the other hanging. Resolves once both sides have settled.
 */
import { negotiate } from '../engine/handshake.js'
import {
  FlowException,
  type FlowContext,
  type FlowLogger,
  type ResponderRegistration,
  type SessionChannel,
  type SessionRequest,
  UnexpectedFlowEndError,
} from '../protocol/index.js'
import { Mailbox } from './mailbox.js'
import type { TestedProtocol } from './pick-version.js'
import { unitFlowContext } from './unit-flow-context.js'

/** What testSession runs: the initiating flow and the responder that answers it. */
export interface SessionTestOptions<R> {
  /** The initiating flow, e.g. `(ctx) => Demo.initiate(ctx, 'Bob', { v1, v2 })`. */
  readonly initiator: (ctx: FlowContext) => Promise<R>
  /** What answers its sessions, e.g. `Demo.responder({ v1, v2 })`, or `Demo.only(1).responder(...)` for an older peer. */
  readonly responder: ResponderRegistration
  /** The initiator's party name; default its role name. The responder runs as the party the flow names. */
  readonly me?: string
  /** Receives both sides' `ctx.log` calls; default silent. */
  readonly logger?: FlowLogger
}

/** How both sides of a session test ended. */
export interface SessionTestOutcome<R> {
  /** The negotiated version of the (last) session opened; undefined when none was. */
  readonly version: number | undefined
  /** The initiating flow's result or error. */
  readonly initiator: PromiseSettledResult<R>
  /** The responder's handler outcome (of the last session opened); undefined when none was. */
  readonly responder: PromiseSettledResult<unknown> | undefined
}

/**
 * Runs `options.initiator` with its sessions answered by `options.responder`, both in process, and resolves
 * once both have settled, with the negotiated version and both outcomes.
 */
export async function testSession<R>(protocol: TestedProtocol, options: SessionTestOptions<R>): Promise<SessionTestOutcome<R>> {
  const me = options.me ?? protocol.versions[0]!.table.initiator
  const logger = options.logger ? { logger: options.logger } : {}
  const closers: ((reason: Error) => void)[] = []
  const responders: Promise<PromiseSettledResult<unknown>>[] = []
  let version: number | undefined
  let sessions = 0

  const openSession = async (request: SessionRequest): Promise<SessionChannel> => {
    const registration = options.responder
    const outcome = negotiate(
      request.protocol,
      request.counterparty,
      request.versions,
      registration.protocol === request.protocol ? registration.versions : undefined,
    )
    if (!outcome.ok) throw new UnexpectedFlowEndError(`${request.counterparty} rejected the session: ${outcome.reason}.`)
    version = outcome.version
    const toResponder = new Mailbox()
    const toInitiator = new Mailbox()
    const channel = (role: string, counterparty: string, inbox: Mailbox, outbox: Mailbox, ended: string): SessionChannel => ({
      protocol: request.protocol,
      version: outcome.version,
      role,
      counterparty,
      send: async (frame) => outbox.put(structuredClone(frame)),
      receive: () => inbox.take(),
      // Reaching the protocol's end: the peer reads what was sent, then learns the session is over.
      close: async () => outbox.close(new UnexpectedFlowEndError(ended)),
    })
    const table = protocol.versions.find((v) => v.table.version === outcome.version)?.table
    const party = request.counterparty
    const initiatorChannel = channel(table?.initiator ?? 'initiator', party, toInitiator, toResponder, `${me} ended the ${request.protocol} session.`)
    const responderChannel = channel(table?.responder ?? 'responder', me, toResponder, toInitiator, `${party} ended the ${request.protocol} session.`)
    const context = unitFlowContext({
      me: party,
      flowId: `${party}-${++sessions}`,
      openSession: () => Promise.reject(new UnexpectedFlowEndError(`${party} cannot open sessions in a session test.`)),
      ...logger,
    })
    const settled = Promise.resolve()
      .then(() => registration.run(responderChannel, context))
      .then(
        (value): PromiseSettledResult<unknown> => ({ status: 'fulfilled', value }),
        (reason: unknown): PromiseSettledResult<unknown> => ({ status: 'rejected', reason }),
      )
    // The responder's flow ending (also by an error) ends the session for the initiator.
    void settled.then((s) => toInitiator.close(endReason(s, party, request.protocol)))
    responders.push(settled)
    closers.push((reason) => toResponder.close(reason))
    return initiatorChannel
  }

  const context = unitFlowContext({ me, flowId: `${me}-1`, openSession, ...logger })
  const initiator = await Promise.resolve()
    .then(() => options.initiator(context))
    .then(
      (value): PromiseSettledResult<R> => ({ status: 'fulfilled', value }),
      (reason: unknown): PromiseSettledResult<R> => ({ status: 'rejected', reason }),
    )
  for (const close of closers) close(endReason(initiator, me, protocol.name))
  const outcomes = await Promise.all(responders)
  return { version, initiator, responder: outcomes.at(-1) }
}

/** What a side sees when its peer's flow ended: the declared error it raised, or that it ended. */
function endReason(outcome: PromiseSettledResult<unknown>, party: string, protocol: string): Error {
  if (outcome.status === 'rejected' && outcome.reason instanceof FlowException) {
    const error = new FlowException(outcome.reason.protocol, outcome.reason.errorType, outcome.reason.details, outcome.reason.message)
    error.peer = party
    return error
  }
  return new UnexpectedFlowEndError(`${party}'s flow ended the ${protocol} session${outcome.status === 'rejected' ? ' with an error' : ''}.`)
}
