import type { CallSite } from './call-site.js'

/** A protocol that cannot be right: thrown while the protocol value is being defined. */
export class ProtocolDefinitionError extends Error {
  override readonly name = 'ProtocolDefinitionError'
  /** `file:line:col` of the offending step, when known. */
  readonly where: string | undefined

  constructor(protocolName: string, version: number | undefined, message: string, at?: CallSite) {
    const where = at?.location ? at.toString() : undefined
    const subject = version === undefined ? protocolName : `${protocolName} v${version}`
    super(`Protocol ${subject}: ${message}${where ? ` (${where})` : ''}`)
    this.where = where
  }
}
