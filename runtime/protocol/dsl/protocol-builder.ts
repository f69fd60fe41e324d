/**
 * `protocol(name, { version, initiator, responder })`: the builder protocol authors chain steps on.
 * Every step is written from the initiator's point of view. Builders are immutable (each call returns a
 * new builder sharing its prefix), so a partial protocol can be reused safely.
 */
import { CallSite } from './call-site.js'
import { ProtocolDefinitionError } from './definition-error.js'
import { type AnyProtocol, type ErrorSchemas, type ProtocolDefinition, isProtocolDefinition, type sessionType } from './protocol-definition.js'
import type {
  ChooseStep,
  ContinueStep,
  EndStep,
  InlineStep,
  LoopStep,
  OfferStep,
  ReceiveStep,
  Schema,
  SendStep,
  Step,
} from './session-type.js'
import type { StepNode } from './step-node.js'
import { validateDefinition } from './validate-definition.js'

export interface ProtocolOptions<Initiator extends string, Responder extends string> {
  /** Integer >= 1. Bump it for every change a peer running the previous version could not follow. */
  readonly version: number
  readonly initiator: Initiator
  readonly responder: Responder
}

/** What a branch or loop body may return: a builder (falls through) or a terminated chain. */
export interface StepsCarrier {
  readonly [sessionType]: readonly Step[]
}

type StepsOf<R> = R extends { readonly [sessionType]: infer S extends readonly Step[] } ? S : never
type BranchSteps<B> = { readonly [K in keyof B]: StepsOf<B[K] extends (...args: never[]) => infer R ? R : never> }

export interface InlineOptions<P extends AnyProtocol, ParentRole extends string> {
  /** Names the generated state; defaults to the sub-protocol's name. */
  readonly label?: string
  /** Which parent role plays each sub-protocol role; defaults to initiator->initiator, responder->responder. */
  readonly roles?: { readonly [R in P['initiator'] | P['responder']]: ParentRole }
}

/** A chain that ended with `end()` or `continue()` inside a branch or loop: nothing may follow it. */
export interface Terminated<Steps extends readonly Step[]> {
  readonly [sessionType]: Steps
}

export interface ProtocolBuilder<
  Name extends string,
  Initiator extends string,
  Responder extends string,
  Steps extends readonly Step[],
  Loops extends string,
  Errors extends ErrorSchemas,
  Top extends boolean,
> {
  readonly [sessionType]: Steps
  /** The initiator sends `label` with a payload matching `schema`. */
  send<L extends string, S extends Schema>(
    label: L,
    schema: S,
  ): ProtocolBuilder<Name, Initiator, Responder, [...Steps, SendStep<L, S>], Loops, Errors, Top>
  /** The initiator receives `label` (the responder sends it). */
  receive<L extends string, S extends Schema>(
    label: L,
    schema: S,
  ): ProtocolBuilder<Name, Initiator, Responder, [...Steps, ReceiveStep<L, S>], Loops, Errors, Top>
  /** The initiator picks one branch; the responder follows it. */
  choose<L extends string, B extends BranchBodies<Name, Initiator, Responder, Loops, Errors>>(
    label: L,
    branches: B,
  ): ProtocolBuilder<Name, Initiator, Responder, [...Steps, ChooseStep<L, BranchSteps<B>>], Loops, Errors, Top>
  /** The responder picks one branch; the initiator follows it. */
  offer<L extends string, B extends BranchBodies<Name, Initiator, Responder, Loops, Errors>>(
    label: L,
    branches: B,
  ): ProtocolBuilder<Name, Initiator, Responder, [...Steps, OfferStep<L, BranchSteps<B>>], Loops, Errors, Top>
  /** A loop: `continue(name)` inside the body goes back to its start; falling off the body leaves it. */
  loop<N extends string, R extends StepsCarrier>(
    name: N,
    body: (p: ProtocolBuilder<Name, Initiator, Responder, [], Loops | N, Errors, false>) => R,
  ): ProtocolBuilder<Name, Initiator, Responder, [...Steps, LoopStep<N, StepsOf<R>>], Loops, Errors, Top>
  /** Go back to the start of the enclosing loop `name`. */
  continue<N extends Loops>(name: N): Terminated<[...Steps, ContinueStep<N>]>
  /** Run another protocol on this same session, versioned with this one. */
  inline<P extends AnyProtocol>(
    sub: P,
    options?: InlineOptions<P, Initiator | Responder>,
  ): ProtocolBuilder<Name, Initiator, Responder, [...Steps, InlineStep<P, InlineOptions<P, Initiator | Responder>['roles']>], Loops, Errors, Top>
  /**
   * Apply a segment of steps: `p.pipe(p => p.send(...).receive(...))`. Long protocols are written as
   * several segments, since tsc cannot bind one method chain of more than a few hundred calls.
   */
  pipe<R extends StepsCarrier>(segment: (p: ProtocolBuilder<Name, Initiator, Responder, Steps, Loops, Errors, Top>) => R): R
  /** Declare typed errors (FlowExceptions) either side may raise; they reach the peer with type and details. */
  errors<E extends ErrorSchemas>(errors: E): ProtocolBuilder<Name, Initiator, Responder, Steps, Loops, Errors & E, Top>
  /** The protocol (or this branch) is complete. */
  end(): Top extends true
    ? ProtocolDefinition<Name, Initiator, Responder, [...Steps, EndStep], Errors>
    : Terminated<[...Steps, EndStep]>
}

type BranchBodies<Name extends string, I extends string, R extends string, Loops extends string, Errors extends ErrorSchemas> = {
  readonly [branch: string]: (p: ProtocolBuilder<Name, I, R, [], Loops, Errors, false>) => StepsCarrier
}

export function protocol<const Name extends string, const Initiator extends string, const Responder extends string>(
  name: Name,
  options: ProtocolOptions<Initiator, Responder>,
): ProtocolBuilder<Name, Initiator, Responder, [], never, {}, true> {
  const at = new CallSite(protocol)
  checkHeader(name, options, at)
  const context: DefinitionContext = { name, options, at, errors: {} }
  return new Builder(context, null, true) as unknown as ProtocolBuilder<Name, Initiator, Responder, [], never, {}, true>
}

interface DefinitionContext {
  readonly name: string
  readonly options: ProtocolOptions<string, string>
  readonly at: CallSite
  errors: Record<string, Schema>
}

/** A persistent list: appending shares the prefix, so chains of any length cost O(1) per step. */
interface Chain {
  readonly previous: Chain | null
  readonly node: StepNode
}

function toArray(chain: Chain | null): StepNode[] {
  const out: StepNode[] = []
  for (let c = chain; c; c = c.previous) out.push(c.node)
  return out.reverse()
}

const identifier = /^[A-Za-z][A-Za-z0-9_]*$/

class Builder {
  constructor(
    private readonly context: DefinitionContext,
    private readonly chain: Chain | null,
    private readonly top: boolean,
  ) {}

  get steps(): StepNode[] {
    return toArray(this.chain)
  }

  send(label: string, schema: Schema): Builder {
    const at = new CallSite(Builder.prototype.send)
    this.checkMessage('send', label, schema, at)
    return this.append({ op: 'send', label, schema, at })
  }

  receive(label: string, schema: Schema): Builder {
    const at = new CallSite(Builder.prototype.receive)
    this.checkMessage('receive', label, schema, at)
    return this.append({ op: 'receive', label, schema, at })
  }

  choose(label: string, branches: Record<string, (p: Builder) => unknown>): Builder {
    return this.choice('choose', label, branches, new CallSite(Builder.prototype.choose))
  }

  offer(label: string, branches: Record<string, (p: Builder) => unknown>): Builder {
    return this.choice('offer', label, branches, new CallSite(Builder.prototype.offer))
  }

  loop(name: string, body: (p: Builder) => unknown): Builder {
    const at = new CallSite(Builder.prototype.loop)
    this.checkName('loop', name, at)
    if (typeof body !== 'function') this.fail(`loop('${name}') needs a function as its body, e.g. p => p.send(...).continue('${name}')`, at)
    const bodySteps = this.bodyOf(body(new Builder(this.context, null, false)), `loop ${name}`, at)
    return this.append({ op: 'loop', name, body: bodySteps, at })
  }

  continue(name: string): TerminatedChain {
    const at = new CallSite(Builder.prototype.continue)
    return new TerminatedChain(this.context, toArray(this.chain).concat({ op: 'continue', name, at }), `continue('${name}')`)
  }

  inline(sub: AnyProtocol, options: { label?: string; roles?: Record<string, string> } = {}): Builder {
    const at = new CallSite(Builder.prototype.inline)
    if (!isProtocolDefinition(sub)) {
      this.fail('inline() needs a protocol value made by protocol(...).end(); got ' + describeValue(sub), at)
    }
    const label = options.label ?? sub.name
    this.checkName('inline', label, at)
    const parentRoles = [this.context.options.initiator, this.context.options.responder]
    const roles = options.roles ?? { [sub.initiator]: this.context.options.initiator, [sub.responder]: this.context.options.responder }
    const mapped = [roles[sub.initiator], roles[sub.responder]]
    if (!mapped.every((r): r is string => typeof r === 'string' && parentRoles.includes(r)) || mapped[0] === mapped[1]) {
      this.fail(
        `inline(${sub.name}) must map its roles ${sub.initiator} and ${sub.responder} to two different roles of this protocol (${parentRoles.join(', ')}); got ${JSON.stringify(options.roles)}`,
        at,
      )
    }
    return this.append({ op: 'inline', label, protocol: sub, roles: { [sub.initiator]: mapped[0]!, [sub.responder]: mapped[1]! }, at })
  }

  pipe(segment: (p: Builder) => unknown): unknown {
    const at = new CallSite(Builder.prototype.pipe)
    if (typeof segment !== 'function') this.fail('pipe() needs a function p => p.send(...)...', at)
    const result = segment(this)
    if (result instanceof Builder || result instanceof TerminatedChain || (this.top && isProtocolDefinition(result))) return result
    return this.fail(`the segment given to pipe() must return the builder it was given; it returned ${describeValue(result)}`, at)
  }

  errors(errors: Record<string, Schema>): Builder {
    const at = new CallSite(Builder.prototype.errors)
    if (!this.top) this.fail('errors({...}) belongs to the whole protocol: call it on the top-level chain, not inside a branch or loop', at)
    for (const [name, schema] of Object.entries(errors)) {
      if (!identifier.test(name)) this.fail(`error name '${name}' is not an identifier; use letters, digits and _`, at)
      if (name in this.context.errors) this.fail(`error '${name}' is declared twice`, at)
      checkSchema(this.context, `error ${name}`, schema, at)
      this.context.errors[name] = schema
    }
    return this
  }

  end(): AnyProtocol | TerminatedChain {
    const at = new CallSite(Builder.prototype.end)
    const steps = toArray(this.chain).concat({ op: 'end', at })
    if (!this.top) return new TerminatedChain(this.context, steps, 'end()')
    const { name, options } = this.context
    const definition = {
      kind: 'colloquy.protocol' as const,
      name,
      version: options.version,
      initiator: options.initiator,
      responder: options.responder,
      steps,
      errors: Object.freeze({ ...this.context.errors }),
      messages: new Map<string, Schema>(),
      at: this.context.at,
    }
    validateDefinition(definition)
    return Object.freeze(definition) as unknown as AnyProtocol
  }

  private choice(op: 'choose' | 'offer', label: string, branches: Record<string, (p: Builder) => unknown>, at: CallSite): Builder {
    this.checkName(op, label, at)
    if (typeof branches !== 'object' || branches === null) this.fail(`${op}('${label}') needs an object of branches`, at)
    const map = new Map<string, readonly StepNode[]>()
    for (const [branch, body] of Object.entries(branches)) {
      if (!identifier.test(branch)) this.fail(`${op}('${label}') branch '${branch}' is not an identifier; use letters, digits and _`, at)
      if (typeof body !== 'function') this.fail(`${op}('${label}') branch '${branch}' must be a function p => p...`, at)
      map.set(branch, this.bodyOf(body(new Builder(this.context, null, false)), `${op} ${label} branch ${branch}`, at))
    }
    return this.append({ op, label, branches: map, at })
  }

  private bodyOf(result: unknown, what: string, at: CallSite): StepNode[] {
    if (result instanceof Builder || result instanceof TerminatedChain) return result.steps
    return this.fail(`${what} must return the builder it was given (p => p.send(...)...); it returned ${describeValue(result)}`, at)
  }

  private append(node: StepNode): Builder {
    return new Builder(this.context, { previous: this.chain, node }, this.top)
  }

  private checkMessage(op: 'send' | 'receive', label: string, schema: unknown, at: CallSite): void {
    this.checkName(op, label, at)
    checkSchema(this.context, `${op} ${label}`, schema, at)
  }

  private checkName(op: string, label: unknown, at: CallSite): asserts label is string {
    if (typeof label !== 'string' || !identifier.test(label)) {
      this.fail(`${op}(${JSON.stringify(label)}): a label must be an identifier (letters, digits, _; starting with a letter), since it names generated states`, at)
    }
  }

  private fail(message: string, at: CallSite): never {
    throw new ProtocolDefinitionError(this.context.name, this.context.options.version, message, at)
  }
}

/** After `end()` or `continue()` inside a branch: any further step is a definition error. */
class TerminatedChain {
  constructor(
    private readonly context: DefinitionContext,
    readonly steps: StepNode[],
    private readonly how: string,
  ) {
    for (const op of ['send', 'receive', 'choose', 'offer', 'loop', 'continue', 'inline', 'pipe', 'end'] as const) {
      Object.defineProperty(this, op, {
        enumerable: false,
        value: (label?: unknown) => {
          throw new ProtocolDefinitionError(
            context.name,
            context.options.version,
            `step '${op}${typeof label === 'string' ? ` ${label}` : ''}' comes after ${this.how}, so it could never run; remove it or move it before ${this.how}`,
            new CallSite(TerminatedChain),
          )
        },
      })
    }
  }
}

function checkHeader(name: unknown, options: ProtocolOptions<string, string> | undefined, at: CallSite): void {
  const fail = (message: string): never => {
    throw new ProtocolDefinitionError(typeof name === 'string' ? name : String(name), undefined, message, at)
  }
  if (typeof name !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(name)) fail('the protocol name must be a PascalCase identifier, e.g. TwoPartyTrade')
  if (typeof options !== 'object' || options === null) return fail('protocol(name, { version, initiator, responder }) needs its options')
  const { version, initiator, responder } = options
  if (!Number.isInteger(version) || version < 1) fail(`version must be an integer >= 1; got ${String(version)}`)
  for (const [key, role] of [['initiator', initiator], ['responder', responder]] as const) {
    if (typeof role !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(role)) fail(`${key} must be a PascalCase role name, e.g. 'Seller'; got ${JSON.stringify(role)}`)
  }
  if (initiator === responder) fail(`initiator and responder are both '${initiator}'; a protocol is between two different roles`)
}

function checkSchema(context: DefinitionContext, what: string, schema: unknown, at: CallSite): void {
  const isZod4 = typeof schema === 'object' && schema !== null && '_zod' in schema && typeof (schema as { safeParse?: unknown }).safeParse === 'function'
  if (isZod4) return
  const hint = typeof schema === 'object' && schema !== null && '_def' in schema ? ' (this looks like a zod 3 schema; import { z } from "zod" v4)' : ''
  throw new ProtocolDefinitionError(
    context.name,
    context.options.version,
    `${what}: the payload must be a zod schema, e.g. z.string(); got ${describeValue(schema)}${hint}`,
    at,
  )
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'object') return `an object (${Object.keys(value).slice(0, 3).join(', ') || 'no keys'})`
  return `${typeof value} ${JSON.stringify(value)}`
}
