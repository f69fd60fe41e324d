/** Builds a protocol family straight from definitions, as generated modules do, for engine tests. */
import type { AnyProtocol } from '../../../runtime/protocol/index.js'
import { buildStateTable, protocolHash } from '../../../runtime/protocol/ir/index.js'
import { type ProtocolFamily, type VersionSpec, protocolFamily } from '../../../runtime/protocol/session/index.js'

export function versionSpec(definition: AnyProtocol): VersionSpec {
  return { definition, hash: protocolHash(definition), table: buildStateTable(definition), inlines: {} }
}

/** A family of the given versions (ascending), driven through the untyped ProtocolState methods. */
export function familyOf(...definitions: AnyProtocol[]): ProtocolFamily {
  return protocolFamily({ name: definitions[0]!.name, versions: definitions.map(versionSpec) })
}
