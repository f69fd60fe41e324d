/**
 * `protocol(name, { version, initiator, responder })`: the builder protocol authors chain steps on.
 * Every step is written from the initiator's point of view. Builders are immutable (each call returns a
 * new builder sharing its prefix), so a partial protocol can be reused safely.
 *
 * This module is the builder at run time: it checks each step where it is written and records it. Its
 * type, which tracks the steps as a session type, is in protocol-builder-type.ts.
 */
import { CallSite } from './call-site.js'
import { checkHeader, checkSchema, describeValue, identifier } from './definition-checks.js'
import type { DefinitionContext } from './definition-context.js'
import { ProtocolDefinitionError } from './definition-error.js'
import type { ProtocolBuilder, ProtocolOptions } from './protocol-builder-type.js'
import { type AnyProtocol, isProtocolDefinition } from './protocol-definition.js'
import type { Schema } from './session-type.js'
import { type Chain, toArray } from './step-chain.js'
import type { NoSteps } from './step-list.js'
import type { StepNode } from './step-node.js'
import { TerminatedChain } from './terminated-chain.js'
import { validateDefinition } from './validate-definition.js'

export function protocol<const Name extends string, const Initiator extends string, const Responder extends string>(
  name: Name,
  options: ProtocolOptions<Initiator, Responder>,
  // biome-ignore lint/complexity/noBannedTypes: `{}` is "no errors declared yet"; errors({...}) intersects its own onto it (`Errors & E`), and the type is public
): ProtocolBuilder<Name, Initiator, Responder, NoSteps, never, {}, true> {
  const at = new CallSite(protocol)
  checkHeader(name, options, at)
  const context: DefinitionContext = { name, options, at, errors: {} }
  return new Builder(context, null, true) as unknown as ReturnType<typeof protocol<Name, Initiator, Responder>>
}

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
      this.fail(`inline() needs a protocol value made by protocol(...).end(); got ${describeValue(sub)}`, at)
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
      this.fail(
        `${op}(${JSON.stringify(label)}): a label must be an identifier (letters, digits, _; starting with a letter), since it names generated states`,
        at,
      )
    }
  }

  private fail(message: string, at: CallSite): never {
    throw new ProtocolDefinitionError(this.context.name, this.context.options.version, message, at)
  }
}
