/**
 * The run-time side of a generated protocol module: `X.initiate(ctx, party, { v1, v2 })` and
 * `X.responder({ v1, v2 })`, picking the handler by negotiated version, plus the declared errors (all of
 * them as `X.errors`, each version's own as `X.v1.errors`, `X.v2.errors`, …).
 * Generated code gives these functions their precise types.
 */
import type { SessionChannel, VersionOffer } from './channel.js'
import type { FlowContext } from './flow-context.js'
import { type RoleRun, ProtocolState, type VersionSpec, completionResult } from './protocol-state.js'
import { InternalError } from '../errors/internal-error.js'
import { PLAIN_DATA, encodingError } from './payload-check.js'
import { FlowException, ProtocolUsageError } from './session-errors.js'

export interface ProtocolFamilySpec {
  readonly name: string
  /** Every declared version, ascending. */
  readonly versions: readonly VersionSpec[]
}

type Handler = (state: ProtocolState, context: FlowContext) => Promise<unknown>
type Handlers = Readonly<Record<string, Handler>>

/** What a node registers to answer sessions of one protocol. */
export interface ResponderRegistration {
  readonly protocol: string
  /** The versions this responder accepts, with their definition hashes. */
  readonly versions: readonly VersionOffer[]
  /** Runs the handler of the channel's negotiated version; resolves with the handler's result. */
  run(channel: SessionChannel, context: FlowContext): Promise<unknown>
}

/** A declared error of a protocol whose details schema reads and writes the same type. */
export interface DeclaredError<Type extends string = string, Details = unknown> extends DeclaredErrorWithInput<Type, Details, Details> {}

/**
 * A declared error of a protocol. `Details` is what a receiver reads (the details schema's output, as they
 * arrive parsed); `Input` is what the raising side writes (the schema's input: a `.default()` field may be
 * left out). Generated code uses it where the two differ, `DeclaredError` elsewhere.
 */
export interface DeclaredErrorWithInput<Type extends string, Details, Input> {
  readonly protocol: string
  readonly type: Type
  /** A FlowException to throw; the counterparty receives it with this type, message and details (parsed by the schema). */
  create(details: Input, message?: string): FlowException<Type, Input>
  is(error: unknown): error is FlowException<Type, Details>
}

export interface ProtocolFamily {
  readonly name: string
  readonly versions: readonly VersionSpec[]
  initiate(context: FlowContext, counterparty: string, handlers: Handlers): Promise<unknown>
  responder(handlers: Handlers): ResponderRegistration
  readonly errors: Readonly<Record<string, DeclaredError>>
  /**
   * The same protocol restricted to some of its declared versions: what a build that still runs (or
   * already retired) some versions declares, e.g. `Demo.only(1)` for a release made before v2 existed.
   * Generated code types it by the versions given (`Demo.only(1)` takes a v1 handler only).
   */
  only(...versions: number[]): ProtocolFamily
}

/** The errors one version declares, as `X.v1.errors`: what a handler of that version raises. */
export interface VersionErrors {
  readonly errors: Readonly<Record<string, DeclaredError>>
}

export function protocolFamily<Typed = ProtocolFamily>(spec: ProtocolFamilySpec): Typed {
  return familyOf(spec.name, spec.versions, spec.versions) as Typed
}

/** The family of `versions`; `declared` (every version of the protocol) gives the per-version error objects. */
function familyOf(name: string, versions: readonly VersionSpec[], declared: readonly VersionSpec[]): ProtocolFamily {
  const byVersion = new Map(versions.map((v) => [v.table.version, v]))
  const offers = (keys: Iterable<number>): VersionOffer[] => [...keys].sort((a, b) => a - b).map((version) => ({ version, hash: byVersion.get(version)!.hash }))

  const handlersFor = (handlers: Handlers, role: string): Map<number, Handler> => {
    const found = new Map<number, Handler>()
    for (const version of byVersion.keys()) {
      const handler = handlers[`v${version}`]
      if (typeof handler !== 'function') {
        throw new ProtocolUsageError(
          `${name}: the ${role} handlers miss v${version}; give one handler per declared version (${[...byVersion.keys()].map((v) => `v${v}`).join(', ')}).`,
        )
      }
      found.set(version, handler)
    }
    return found
  }

  const runRole = async (channel: SessionChannel, context: FlowContext, handlers: Map<number, Handler>, role: string): Promise<unknown> => {
    const versionSpec = byVersion.get(channel.version)
    const handler = handlers.get(channel.version)
    if (!versionSpec || !handler) throw new InternalError(`${name}: the session negotiated v${channel.version}, which this node does not declare.`)
    // A durable channel brings a context whose journal is ordered with the session's own actions, so
    // steps inside concurrent handlers replay deterministically.
    const scoped = channel.context ?? context
    const run: RoleRun = { spec: versionSpec, channel, role, prefix: '', context: scoped, sessionErrors: versionSpec.definition.errors }
    const completion = await handler(new ProtocolState(run, versionSpec.table.start), scoped)
    const result = completionResult(completion, run, `the v${channel.version} ${role} handler`)
    await channel.close?.()
    return result
  }

  const family: ProtocolFamily = {
    name,
    versions,
    async initiate(context, counterparty, handlers) {
      const table = versions[0]!.table
      const byVer = handlersFor(handlers, table.initiator)
      const channel = await context.openSession({ protocol: name, counterparty, versions: offers(byVer.keys()) })
      return runRole(channel, context, byVer, table.initiator)
    },
    responder(handlers) {
      const table = versions[0]!.table
      const byVer = handlersFor(handlers, table.responder)
      return {
        protocol: name,
        versions: offers(byVer.keys()),
        run: (channel, context) => runRole(channel, context, byVer, table.responder),
      }
    },
    // Every declared version's, also when narrowed by only(): the generated types say so, and recognising an error harms nothing.
    errors: declaredErrors(name, declared),
    only(...kept: number[]): ProtocolFamily {
      const missing = kept.filter((v) => !byVersion.has(v))
      if (kept.length === 0 || missing.length > 0) {
        const list = [...byVersion.keys()].map((v) => `v${v}`).join(', ')
        throw new ProtocolUsageError(
          `${name}.only(${kept.join(', ')}): ${kept.length === 0 ? 'name at least one version' : `${name} does not declare ${missing.map((v) => `v${v}`).join(', ')}`}; it declares ${list}.`,
        )
      }
      return familyOf(
        name,
        versions.filter((v) => kept.includes(v.table.version)),
        declared,
      )
    },
  }
  const perVersion: Record<string, VersionErrors> = {}
  for (const v of declared) perVersion[`v${v.table.version}`] = { errors: declaredErrors(name, [v]) }
  return Object.assign(family, perVersion)
}

function declaredErrors(protocol: string, versions: readonly VersionSpec[]): Record<string, DeclaredError> {
  const names = new Set(versions.flatMap((v) => Object.keys(v.definition.errors)))
  const errors: Record<string, DeclaredError> = {}
  for (const type of [...names].sort()) {
    errors[type] = {
      protocol,
      type,
      create: (details, message) => {
        const refused = encodingError(
          details,
          'details',
          (problem) => `${protocol} error ${type}: the details given to create() cannot be sent to the counterparty: ${problem}. Raise it with ${PLAIN_DATA}.`,
        )
        if (refused) throw refused
        return new FlowException(protocol, type, details, message)
      },
      is: (error): error is FlowException<string, unknown> => error instanceof FlowException && error.protocol === protocol && error.errorType === type,
    }
  }
  return errors
}
