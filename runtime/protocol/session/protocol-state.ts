/**
 * The run-time object behind every generated state interface. One class serves all states: the state
 * table entry decides which method is legal, the generated interface decides which one the compiler
 * shows. A state can be used once; using it again throws StaleStateError.
 */
import type { AnyProtocol } from '../dsl/protocol-definition.js'
import { type StateEntry, type StateTable, stepNumber } from '../ir/state-table.js'
import type { ReceiveExpectation, SessionChannel, SessionFrame } from './channel.js'
import type { FlowContext } from './flow-context.js'
import type { Schema } from '../dsl/session-type.js'
import { FlowException, InvalidPayloadError, ProtocolUsageError, ProtocolViolationError, StaleGeneratedCodeError, StaleStateError } from './session-errors.js'
import { Untrustworthy } from './untrustworthy.js'
import { PLAIN_DATA, encodingError } from './payload-check.js'
import { issueText, preview } from './payload-text.js'

/** One version of one protocol as the runtime needs it: definition, hash, state table, inlined sub-protocols. */
export interface VersionSpec {
  readonly definition: AnyProtocol
  readonly hash: string
  readonly table: StateTable
  /** Inlined sub-protocol versions, by inline label. */
  readonly inlines: Readonly<Record<string, VersionSpec>>
}

/** A run of one role of one protocol version on one channel (an inlined sub-protocol gets its own run). */
export interface RoleRun {
  readonly spec: VersionSpec
  readonly channel: SessionChannel
  readonly role: string
  /** Prefix for wire labels of inlined sub-protocols, e.g. `CollectSignatures.` */
  readonly prefix: string
  readonly context: FlowContext
  /** The errors the session's protocol declares (an inlined run keeps its parent session's): what a peer may raise. */
  readonly sessionErrors: Readonly<Record<string, Schema>>
}

/** Proof that a role reached the End state of its run; the only way to finish a handler. */
export class Completion<R = unknown> {
  constructor(
    readonly run: RoleRun,
    readonly result: R,
  ) {}
}

export type OfferHandlers = Readonly<Record<string, (next: ProtocolState) => unknown>>

export class ProtocolState {
  #used = false

  constructor(
    private readonly run: RoleRun,
    readonly stateId: number,
  ) {}

  private async peerErrorsChecked<T>(action: Promise<T>): Promise<T> {
    try {
      return await action
    } catch (error) {
      throw checkedPeerError(error, this.run)
    }
  }

  async send(payload: unknown): Promise<ProtocolState> {
    const entry = this.take('send')
    if (entry.op !== 'message' || entry.from !== this.run.role) return this.wrongMethod('send', entry)
    const schema = this.schemaOf(entry.label)
    const parsed = schema.safeParse(payload)
    if (!parsed.success) {
      throw new InvalidPayloadError(
        `${this.where(entry)}: the payload for '${entry.label}' does not match the protocol's schema: ${issueText(parsed.error)}. Fix the value before sending it.`,
      )
    }
    const refused = encodingError(
      parsed.data,
      'payload',
      (problem) => `${this.where(entry)}: the payload for '${entry.label}' cannot be journaled or sent: ${problem}. Send ${PLAIN_DATA}.`,
    )
    if (refused) throw refused
    await this.peerErrorsChecked(this.run.channel.send({ kind: 'data', label: this.run.prefix + entry.label, payload: parsed.data }))
    return this.next(entry.next)
  }

  async receive(): Promise<{ payload: Untrustworthy<unknown>; next: ProtocolState }> {
    const entry = this.take('receive')
    if (entry.op !== 'message' || entry.to !== this.run.role) return this.wrongMethod('receive', entry)
    const wireLabel = this.run.prefix + entry.label
    const frame = await this.peerErrorsChecked(this.run.channel.receive(this.expecting(entry, wireLabel)))
    if (frame.kind !== 'data' || frame.label !== wireLabel) {
      const got = describeFrame(frame)
      throw new ProtocolViolationError(
        `${this.where(entry)}: expected message '${wireLabel}' from ${entry.from} but ${this.run.channel.counterparty} sent ${got}. The peer does not follow ${this.protocolName()}; check that both sides run the same protocol version.`,
      )
    }
    const parsed = this.schemaOf(entry.label).safeParse(frame.payload)
    if (!parsed.success) {
      throw new ProtocolViolationError(
        `${this.where(entry)}: expected '${entry.label}' as the protocol's schema says but got ${preview(frame.payload)} from ${this.run.channel.counterparty}: ${issueText(parsed.error)}.`,
      )
    }
    return { payload: new Untrustworthy(parsed.data), next: this.next(entry.next) }
  }

  async choose(branch: string): Promise<ProtocolState> {
    const entry = this.take('choose')
    if (entry.op !== 'choice' || entry.by !== this.run.role) return this.wrongMethod('choose', entry)
    const target = entry.branches[branch]
    if (target === undefined) {
      throw new InvalidPayloadError(
        `${this.where(entry)}: '${branch}' is not a branch of '${entry.label}'; choose one of ${Object.keys(entry.branches).join(', ')}.`,
      )
    }
    await this.peerErrorsChecked(this.run.channel.send({ kind: 'choice', label: this.run.prefix + entry.label, branch }))
    return this.next(target)
  }

  async offer(handlers?: OfferHandlers): Promise<unknown> {
    const entry = this.take('offer')
    if (entry.op !== 'choice' || entry.by === this.run.role) return this.wrongMethod('offer', entry)
    const wireLabel = this.run.prefix + entry.label
    const frame = await this.peerErrorsChecked(this.run.channel.receive(this.expecting(entry, wireLabel)))
    const target = frame.kind === 'choice' && frame.label === wireLabel ? entry.branches[frame.branch] : undefined
    if (frame.kind !== 'choice' || target === undefined) {
      const got = describeFrame(frame)
      throw new ProtocolViolationError(
        `${this.where(entry)}: expected ${entry.by}'s choice '${wireLabel}' (one of ${Object.keys(entry.branches).join(', ')}) but ${this.run.channel.counterparty} sent ${got}.`,
      )
    }
    const next = this.next(target)
    if (!handlers) return { branch: frame.branch, next }
    const handler = handlers[frame.branch]
    if (typeof handler !== 'function') throw new ProtocolUsageError(`${this.where(entry)}: no handler given for branch '${frame.branch}'.`)
    return handler(next)
  }

  /** `offer()` that runs the handler of the chosen branch. */
  match(handlers: OfferHandlers): Promise<unknown> {
    return this.offer(handlers)
  }

  async inline(impl: (state: ProtocolState, context: FlowContext) => Promise<unknown>): Promise<{ result: unknown; next: ProtocolState }> {
    const entry = this.take('inline')
    if (entry.op !== 'inline') return this.wrongMethod('inline', entry)
    const spec = this.run.spec.inlines[entry.label]
    if (!spec)
      throw new StaleGeneratedCodeError(`${this.where(entry)}: the generated spec has no inlined ${entry.protocol} v${entry.version}; run colloquy generate.`)
    const subRole = Object.keys(entry.roles).find((r) => entry.roles[r] === this.run.role)!
    const subRun: RoleRun = { ...this.run, spec, role: subRole, prefix: `${this.run.prefix}${entry.label}.` }
    const completion = await impl(new ProtocolState(subRun, spec.table.start), this.run.context)
    const result = completionResult(completion, subRun, `the inlined ${entry.protocol} implementation`)
    return { result, next: this.next(entry.next) }
  }

  end(result?: unknown): Completion {
    const entry = this.take('end')
    if (entry.op !== 'end') return this.wrongMethod('end', entry)
    return new Completion(this.run, result)
  }

  private take(method: string): StateEntry {
    const entry = this.run.spec.table.states[this.stateId]!
    if (this.#used) {
      throw new StaleStateError(
        `${this.where(entry)}: this state was already used, so ${method}() on it is stale. Each state object can be used once; continue with the state its previous call returned.`,
      )
    }
    this.#used = true
    return entry
  }

  private next(id: number): ProtocolState {
    return new ProtocolState(this.run, id)
  }

  private schemaOf(label: string) {
    const schema = this.run.spec.definition.messages.get(label)
    if (!schema)
      throw new StaleGeneratedCodeError(`${this.protocolName()}: no schema for message '${label}'; the generated code is stale, run colloquy generate.`)
    return schema
  }

  private wrongMethod(method: string, entry: StateEntry): never {
    const expected =
      entry.op === 'end'
        ? 'end()'
        : entry.op === 'inline'
          ? 'inline()'
          : entry.op === 'message'
            ? entry.from === this.run.role
              ? 'send()'
              : 'receive()'
            : entry.by === this.run.role
              ? 'choose()'
              : 'offer()'
    throw new ProtocolUsageError(`${this.where(entry)}: ${method}() is not allowed here; the protocol expects ${expected}.`)
  }

  private protocolName(): string {
    const { table } = this.run.spec
    return `${table.protocol} v${table.version}`
  }

  private expecting(entry: StateEntry, label: string): ReceiveExpectation {
    return { step: stepNumber(this.run.spec.table, entry.id), label }
  }

  private where(entry: StateEntry): string {
    const label = entry.op === 'end' ? 'end' : `'${entry.label}'`
    return `${this.protocolName()} ${this.run.role}, ${stepNumber(this.run.spec.table, entry.id)} (${label})`
  }
}

/** The result a handler produced, after checking it finished the right run. */
export function completionResult(value: unknown, run: RoleRun, who: string): unknown {
  if (value instanceof Completion && value.run.spec === run.spec && value.run.role === run.role && value.run.channel === run.channel) {
    return value.result
  }
  const { table } = run.spec
  throw new ProtocolViolationError(
    `${who} for ${table.protocol} v${table.version} ${run.role} returned without reaching the protocol's end; return s.end(result) from the End state.`,
  )
}

/**
 * A counterparty is not trusted with its errors either: a declared error it raises must be one the session's
 * protocol declares, with details that match the declared schema (then they arrive parsed, as payloads do).
 */
function checkedPeerError(error: unknown, run: RoleRun): unknown {
  if (!(error instanceof FlowException) || error.peer === undefined) return error
  const schema = run.sessionErrors[error.errorType]
  const declared = Object.keys(run.sessionErrors)
  if (!schema) {
    return new ProtocolViolationError(
      `${error.peer} raised ${error.errorType}, which ${error.protocol} does not declare (${declared.length ? `it declares ${declared.join(', ')}` : 'it declares no errors'}); the peer does not follow the protocol.`,
    )
  }
  const parsed = schema.safeParse(error.details)
  if (!parsed.success) {
    return new ProtocolViolationError(
      `${error.peer} raised ${error.errorType} with details that do not match ${error.protocol}'s schema for it: ${issueText(parsed.error)}.`,
    )
  }
  const checked = new FlowException(error.protocol, error.errorType, parsed.data, error.message)
  checked.peer = error.peer
  if (error.stack !== undefined) checked.stack = error.stack
  return checked
}

function describeFrame(frame: SessionFrame): string {
  return frame.kind === 'data' ? `message '${frame.label}'` : `choice '${frame.label}' = ${frame.branch}`
}
