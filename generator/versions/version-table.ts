/**
 * `colloquy versions`: per protocol, every version the tree declares or the lockfile records, its lock
 * state, its definition hash, and what a node built from this tree does with it at the handshake. A node
 * offers (as initiator) and accepts (as responder) every declared version, and the handshake picks the
 * highest version both peers declare, so the highest declared version is the preferred one.
 */
import type { DeclaredFamily } from '../lock/declared-versions.js'
import { type Lockfile, lockedVersions } from '../lock/lockfile.js'

export type LockState = 'locked' | 'unlocked' | 'changed-since-lock' | 'removed-from-tree'

export interface VersionRow {
  readonly version: number
  readonly state: LockState
  /** The tree's definition hash, or the locked one for a version the tree no longer declares. */
  readonly hash: string
  /** Whether a node built from this tree offers and accepts it (every declared version). */
  readonly offered: boolean
  readonly accepted: boolean
  /** The highest declared version: chosen whenever the peer declares it too. */
  readonly preferred: boolean
}

export interface ProtocolVersions {
  readonly name: string
  /** The declaring file, or null when only the lockfile still has the protocol. */
  readonly file: string | null
  readonly initiator: string
  readonly responder: string
  /** Ascending by version. */
  readonly versions: readonly VersionRow[]
  readonly offers: readonly number[]
  readonly accepts: readonly number[]
  readonly preferred: number | null
}

export function versionTable(families: readonly DeclaredFamily[], lock: Lockfile | undefined): ProtocolVersions[] {
  const locked = lockedVersions(lock)
  const names = [...new Set([...families.map((f) => f.name), ...locked.map((v) => v.name)])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return names.map((name): ProtocolVersions => {
    const family = families.find((f) => f.name === name)
    const lockedHere = locked.filter((v) => v.name === name)
    const declared = family?.versions ?? []
    const preferred = declared.length > 0 ? Math.max(...declared.map((v) => v.version)) : null
    const rows: VersionRow[] = declared.map((v) => {
      const lockedHash = lockedHere.find((l) => l.version === v.version)?.snapshot.hash
      const state: LockState = lockedHash === undefined ? 'unlocked' : lockedHash === v.snapshot.hash ? 'locked' : 'changed-since-lock'
      return { version: v.version, state, hash: v.snapshot.hash, offered: true, accepted: true, preferred: v.version === preferred }
    })
    for (const l of lockedHere) {
      if (!declared.some((v) => v.version === l.version)) {
        rows.push({ version: l.version, state: 'removed-from-tree', hash: l.snapshot.hash, offered: false, accepted: false, preferred: false })
      }
    }
    rows.sort((a, b) => a.version - b.version)
    const ir = lockedHere[0]?.snapshot.ir
    const declaredNumbers = declared.map((v) => v.version)
    return {
      name,
      file: family?.file ?? null,
      initiator: family?.initiator ?? ir?.initiator ?? '?',
      responder: family?.responder ?? ir?.responder ?? '?',
      versions: rows,
      offers: declaredNumbers,
      accepts: declaredNumbers,
      preferred,
    }
  })
}
