/**
 * The checks of what protocol authors pass the DSL that do not depend on a builder's position: the
 * header, payload schemas and identifiers. They fail with a ProtocolDefinitionError at the author's call.
 */
import type { CallSite } from './call-site.js'
import type { DefinitionContext } from './definition-context.js'
import { ProtocolDefinitionError } from './definition-error.js'
import type { ProtocolOptions } from './protocol-builder-type.js'

/** Labels, branch and error names become names in generated code. */
export const identifier = /^[A-Za-z][A-Za-z0-9_]*$/

/** The longest protocol name: it names generated files (`<name>.md`), which file systems cap at 255 bytes. */
export const maxProtocolNameLength = 100

export function checkHeader(name: unknown, options: ProtocolOptions<string, string> | undefined, at: CallSite): void {
  const fail = (message: string): never => {
    const shown = typeof name === 'string' ? name : String(name)
    throw new ProtocolDefinitionError(shown.length > 40 ? `${shown.slice(0, 40)}…` : shown, undefined, message, at)
  }
  if (typeof name === 'string' && name.length > maxProtocolNameLength) {
    fail(`the protocol name is ${name.length} characters long; keep it to ${maxProtocolNameLength} at most, since it names generated files and types`)
  }
  if (typeof name !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(name)) fail('the protocol name must be a PascalCase identifier, e.g. TwoPartyTrade')
  if (typeof options !== 'object' || options === null) return fail('protocol(name, { version, initiator, responder }) needs its options')
  const { version, initiator, responder } = options
  if (!Number.isInteger(version) || version < 1) fail(`version must be an integer >= 1; got ${String(version)}`)
  for (const [key, role] of [
    ['initiator', initiator],
    ['responder', responder],
  ] as const) {
    if (typeof role !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(role)) fail(`${key} must be a PascalCase role name, e.g. 'Seller'; got ${JSON.stringify(role)}`)
  }
  if (initiator === responder) fail(`initiator and responder are both '${initiator}'; a protocol is between two different roles`)
}

export function checkSchema(context: DefinitionContext, what: string, schema: unknown, at: CallSite): void {
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

export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'object') return `an object (${Object.keys(value).slice(0, 3).join(', ') || 'no keys'})`
  return `${typeof value} ${JSON.stringify(value)}`
}
