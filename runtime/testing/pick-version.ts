/**
 * Which version of a protocol a handler test runs: the highest both sides declare (or the one the test
 * asks for), refused when a number is defined differently on the two sides, as the real handshake does.
 */
import { negotiate, ranges } from '../engine/handshake.js'
import type { VersionOffer, VersionSpec } from '../protocol/index.js'
import { InvalidScriptError } from './script-errors.js'

/** The protocol as a test gives it: the generated object (`Demo`), which lists every declared version. */
export interface TestedProtocol {
  /** The protocol's name, as sessions carry it. */
  readonly name: string
  /** Every declared version, with its definition, hash and state table. */
  readonly versions: readonly VersionSpec[]
}

export function offersOf(protocol: TestedProtocol): VersionOffer[] {
  return protocol.versions.map((v) => ({ version: v.table.version, hash: v.hash }))
}

/**
 * The spec of the version a scripted test runs. `handler` is the side under test with the versions it
 * offers (initiator) or accepts (responder); `wanted` is the version the test asks for, if any.
 */
export function pickVersion(
  protocol: TestedProtocol,
  handler: { readonly side: 'initiator' | 'responder'; readonly party: string; readonly versions: readonly VersionOffer[] },
  wanted: number | undefined,
): VersionSpec {
  const who = handler.party
  const declared = offersOf(protocol)
  if (wanted !== undefined && !declared.some((v) => v.version === wanted)) {
    throw new InvalidScriptError(`The test asks for ${protocol.name} v${wanted}, which the protocol does not declare (it declares ${ranges(declared)}).`, 0)
  }
  if (wanted !== undefined && !handler.versions.some((v) => v.version === wanted)) {
    throw new InvalidScriptError(
      `The test asks for ${protocol.name} v${wanted}, but ${who} runs ${ranges(handler.versions)} only; pick one of those versions.`,
      0,
    )
  }
  const script = wanted === undefined ? declared : declared.filter((v) => v.version === wanted)
  const outcome =
    handler.side === 'initiator' ? negotiate(protocol.name, 'the script', handler.versions, script) : negotiate(protocol.name, who, script, handler.versions)
  if (!outcome.ok) throw new InvalidScriptError(`The script cannot talk to ${who}: ${outcome.reason}.`, 0)
  return protocol.versions.find((v) => v.table.version === outcome.version)!
}
