/** `colloquy versions [protocol]`: loads the tree's protocols and the lockfile, prints the version table. */
import { ColloquyError } from '../../runtime/protocol/errors/colloquy-error.js'
import type { CheckLayout } from '../lock/compatibility-check.js'
import { loadDeclaredFamilies } from '../lock/declared-versions.js'
import { lockfilePath, readLockfile } from '../lock/lockfile.js'
import { formatVersionTable, versionTableJson } from './format-version-table.js'
import { versionTable } from './version-table.js'

/** The protocol named on the command line is neither declared nor locked: a usage problem. */
export class UnknownProtocolError extends ColloquyError {
  override readonly name = 'UnknownProtocolError'
  readonly code = 'GENERATOR_UNKNOWN_PROTOCOL'
}

export async function runVersionsCommand(
  layout: CheckLayout,
  format: 'text' | 'json',
  protocol: string | undefined,
  out: (text: string) => void,
): Promise<void> {
  const lock = readLockfile(layout.root, layout.protocolsDir)
  const table = versionTable(await loadDeclaredFamilies(layout.root, layout.protocolsDir), lock)
  const shown = protocol === undefined ? table : table.filter((p) => p.name === protocol)
  if (protocol !== undefined && shown.length === 0) {
    const known = table.map((p) => p.name)
    throw new UnknownProtocolError(
      `unknown protocol '${protocol}'; known protocols: ${known.length > 0 ? known.join(', ') : `none (no protocols under ${layout.protocolsDir}/)`}`,
    )
  }
  if (format === 'text' && shown.length === 0)
    return out(`colloquy versions: no protocols under ${layout.protocolsDir}/ and no ${lockfilePath(layout.protocolsDir)}\n`)
  out(format === 'json' ? versionTableJson(shown, lock ? lockfilePath(layout.protocolsDir) : null) : formatVersionTable(shown))
}
