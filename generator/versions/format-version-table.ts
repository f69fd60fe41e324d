/** The `colloquy versions` table as aligned text, one block per protocol, or as JSON. */
import { shortHash } from '../lock/lockfile.js'
import type { LockState, ProtocolVersions, VersionRow } from './version-table.js'

const stateText: Record<LockState, string> = {
  locked: 'locked',
  unlocked: 'unlocked',
  'changed-since-lock': 'changed since lock',
  'removed-from-tree': 'removed from tree',
}

export function formatVersionTable(protocols: readonly ProtocolVersions[]): string {
  return protocols.map(formatProtocol).join('\n')
}

function formatProtocol(p: ProtocolVersions): string {
  const header = `${p.name} (${p.file ?? 'no longer declared'}; ${p.initiator} initiates, ${p.responder} responds)`
  const rows = [['VERSION', 'STATE', 'HASH', 'NODE'], ...p.versions.map((v) => [`v${v.version}`, stateText[v.state], shortHash(v.hash), nodeText(v)])]
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  const lines = rows.map((row) => `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')}`.trimEnd())
  return `${header}\n${lines.join('\n')}\n  ${summary(p)}\n`
}

function nodeText(v: VersionRow): string {
  if (!v.offered && !v.accepted) return 'not offered, not accepted'
  return v.preferred ? 'offers, accepts (preferred)' : 'offers, accepts'
}

function summary(p: ProtocolVersions): string {
  if (p.preferred === null) return 'A node built from this tree neither offers nor accepts any version: peers that run it are refused at the handshake.'
  const list = p.offers.map((v) => `v${v}`).join(', ')
  return `A node built from this tree offers and accepts ${list}; the handshake picks the highest version both peers declare, v${p.preferred} when the peer has it.`
}

export function versionTableJson(protocols: readonly ProtocolVersions[], lockfile: string | null): string {
  return `${JSON.stringify({ lockfile, protocols }, null, 2)}\n`
}
