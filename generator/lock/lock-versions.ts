/**
 * `colloquy lock`: record every declared protocol version in the lockfile. New versions are added and
 * unchanged ones kept byte for byte; a locked version whose definition changed is refused with the same
 * findings `colloquy check` prints, unless forced or every one of them is approved (colloquy.approvals.json),
 * in which case it stays locked as it was; versions no longer declared stay locked unless pruned, because
 * peers may still run them.
 */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { CompatFinding, VersionSnapshot } from '../compat/types.js'
import { GeneratorError } from '../generator-error.js'
import { readApprovals } from './approvals.js'
import { loadDeclaredFamilies } from './declared-versions.js'
import { judgeVersions, lockedVersionRemovedRule } from './judge-versions.js'
import type { CheckLayout } from './compatibility-check.js'
import { fingerprintOf } from './finding-fingerprint.js'
import { type VersionRef, lineOfLockedVersion, lockedVersions, lockfileOf, lockfilePath, readLockfileSource, serializeLockfile } from './lockfile.js'

export interface LockOptions {
  /** Replace locked versions whose definition changed. */
  readonly force: boolean
  /** Drop locked versions no longer declared. */
  readonly prune: boolean
}

export interface LockResult {
  /** Project-relative path of the lockfile. */
  readonly file: string
  readonly added: readonly VersionRef[]
  readonly kept: readonly VersionRef[]
  /** Locked versions whose definition changed since they were locked. */
  readonly changed: readonly VersionRef[]
  /** Changed versions overwritten with --force. */
  readonly replaced: readonly VersionRef[]
  /** Changed versions whose every finding is approved, kept as locked (no --force). */
  readonly approved: readonly VersionRef[]
  /** Undeclared versions dropped with --prune. */
  readonly pruned: readonly VersionRef[]
  /** Undeclared versions that stay locked (no --prune). */
  readonly retained: readonly VersionRef[]
  /** Why nothing was written: findings for changed versions (without --force). Empty when the lock was updated. */
  readonly refused: readonly CompatFinding[]
  /** False when the file already said exactly this, or when refused. */
  readonly written: boolean
}

export async function lockVersions(layout: CheckLayout, options: LockOptions): Promise<LockResult> {
  const file = lockfilePath(layout.protocolsDir)
  const source = readLockfileSource(layout.root, layout.protocolsDir)
  const families = await loadDeclaredFamilies(layout.root, layout.protocolsDir)
  if (families.length === 0 && !source) {
    throw new GeneratorError(
      `no protocol files found, so there is nothing to lock; add one such as ${layout.protocolsDir}/demo.protocol.ts (see README: Writing a protocol)`,
      {
        file: layout.protocolsDir,
      },
    )
  }
  const locked = lockedVersions(source?.lockfile).map((v) => ({
    ...v,
    fallback: { file, line: source ? lineOfLockedVersion(source.text, v) : 1, column: 1 },
  }))
  const judgement = judgeVersions(locked, families, { kind: 'lock', file })
  const changedFindings = judgement.findings.filter((f) => f.rule !== lockedVersionRemovedRule)
  const approvals = changedFindings.length > 0 && !options.force ? readApprovals(layout.root, layout.protocolsDir).approvals : {}
  const refused = changedFindings.filter((f) => approvals[fingerprintOf(f)] === undefined)
  const base = { file, added: judgement.added, kept: judgement.unchanged, changed: judgement.changed, pruned: [] as VersionRef[], retained: judgement.removed }
  if (refused.length > 0 && !options.force) return { ...base, replaced: [], approved: [], refused, written: false }

  const declared = new Map<string, VersionSnapshot>()
  for (const family of families) for (const v of family.versions) declared.set(key(v), v.snapshot)
  const entries: Array<VersionRef & { snapshot: VersionSnapshot }> = []
  for (const v of locked) {
    const now = declared.get(key(v))
    // A changed version gets here forced, or with all its changes approved: then it stays as released.
    if (now) entries.push({ name: v.name, version: v.version, snapshot: now.hash === v.snapshot.hash || !options.force ? v.snapshot : now })
    else if (!options.prune) entries.push({ name: v.name, version: v.version, snapshot: v.snapshot })
  }
  for (const v of judgement.added) entries.push({ name: v.name, version: v.version, snapshot: declared.get(key(v))! })

  const text = serializeLockfile(lockfileOf(entries))
  const written = text !== source?.text
  if (written) writeFileSync(path.join(layout.root, file), text)
  return {
    ...base,
    replaced: options.force ? judgement.changed : [],
    approved: options.force ? [] : judgement.changed,
    pruned: options.prune ? judgement.removed : [],
    retained: options.prune ? [] : judgement.removed,
    refused: [],
    written,
  }
}

function key(v: VersionRef): string {
  return `${v.name}\0${v.version}`
}
