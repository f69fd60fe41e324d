/**
 * A protocol that cannot be right: thrown while the protocol value is being defined. The offending step's
 * place is kept as data (`location`); the message ends with it as ` (file:line:col)` for readers of a stack
 * trace, and `reason` is the message without it, for tools that print the place their own way.
 */
import { ColloquyError } from '../errors/colloquy-error.js'
import type { CallSite } from './call-site.js'

export class ProtocolDefinitionError extends ColloquyError {
  override readonly name = 'ProtocolDefinitionError'
  readonly code = 'PROTOCOL_DEFINITION'
  /** The message without the location suffix: `Protocol <name> v<n>: <what is wrong>`. */
  readonly reason: string

  constructor(protocolName: string, version: number | undefined, message: string, at?: CallSite) {
    const location = at?.location ?? null
    const subject = version === undefined ? protocolName : `${protocolName} v${version}`
    const reason = `Protocol ${subject}: ${message}`
    super(location ? `${reason} (${at!.toString()})` : reason, { location })
    this.reason = reason
  }
}
