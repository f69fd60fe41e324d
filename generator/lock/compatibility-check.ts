/**
 * The compatibility half of `colloquy check`: released versions (the lockfile, or the protocols at a git
 * revision) against the tree. The lockfile comparison answers from hashes alone while the generated
 * manifest is current; only a difference loads protocols, to name it. Modules that load protocols are
 * imported on that path only.
 */
import type { CompatFinding } from '../compat/types.js'
import type { Manifest } from '../manifest.js'
import type { DeclaredFamily } from './declared-versions.js'
import type { ReferenceSide, ReferenceVersion } from './judge-versions.js'
import { compareLockWithManifest } from './lock-fast-path.js'
import { type VersionRef, lineOfLockedVersion, lockedVersions, lockfilePath, readLockfileSource, versionLabel } from './lockfile.js'

export interface CompatibilityReport {
  readonly side: ReferenceSide
  /** Incompatible differences; any makes the check fail. */
  readonly findings: readonly CompatFinding[]
  /** Declared versions the reference side does not have (not a failure). */
  readonly unreleased: readonly (VersionRef & { readonly file: string })[]
  /** Sentences for the reader that are not failures: no lockfile yet, versions not locked yet. */
  readonly notes: readonly string[]
  /** False when the answer came from hashes alone. */
  readonly loadedProtocols: boolean
  /** Whether there was anything to compare with (false: no lockfile yet). */
  readonly referencePresent: boolean
  /** How many released versions were compared. */
  readonly referenceCount: number
  /** Released versions with findings: changed or no longer declared. */
  readonly affected: readonly VersionRef[]
}

export interface CheckLayout {
  readonly root: string
  readonly protocolsDir: string
}

/** `currentManifest`: the generated manifest when `checkGenerated` found it current, else undefined. */
export async function checkLockfile(layout: CheckLayout, currentManifest: Manifest | undefined): Promise<CompatibilityReport> {
  const file = lockfilePath(layout.protocolsDir)
  const side: ReferenceSide = { kind: 'lock', file }
  const source = readLockfileSource(layout.root, layout.protocolsDir)
  if (!source) {
    const note = `no ${file} yet: run \`colloquy lock\` to record the released protocol versions, so check catches incompatible changes to them`
    return { side, findings: [], unreleased: [], notes: [note], loadedProtocols: false, referencePresent: false, referenceCount: 0, affected: [] }
  }
  if (currentManifest) {
    const fast = compareLockWithManifest(source.lockfile, currentManifest)
    if (fast.kind === 'matches') {
      const referenceCount = lockedVersions(source.lockfile).length
      return {
        side,
        findings: [],
        unreleased: fast.unlocked,
        notes: fast.unlocked.map(unlockedNote),
        loadedProtocols: false,
        referencePresent: true,
        referenceCount,
        affected: [],
      }
    }
  }
  const reference: ReferenceVersion[] = lockedVersions(source.lockfile).map((locked) => ({
    ...locked,
    fallback: { file, line: lineOfLockedVersion(source.text, locked), column: 1 },
  }))
  const { loadDeclaredFamilies } = await import('./declared-versions.js')
  return judged(reference, await loadDeclaredFamilies(layout.root, layout.protocolsDir), side, unlockedNote)
}

/** The same judgement with the protocols declared at a git revision as the released side. */
export async function checkAgainstRevision(layout: CheckLayout, ref: string): Promise<CompatibilityReport> {
  const { materialiseRevision } = await import('./git-revision.js')
  const { loadDeclaredFamilies } = await import('./declared-versions.js')
  const { loadRevisionFamilies } = await import('./revision-families.js')
  const current = await loadDeclaredFamilies(layout.root, layout.protocolsDir)
  const revision = materialiseRevision(layout.root, ref)
  let before: DeclaredFamily[]
  try {
    before = await loadRevisionFamilies(revision.projectRoot, layout.root, layout.protocolsDir, ref)
  } finally {
    revision.dispose()
  }
  const reference: ReferenceVersion[] = before.flatMap((family) => family.versions.map((v) => ({ ...v, fallback: v.snapshot.locations.protocol ?? null })))
  const newNote = (v: VersionRef & { file: string }): string => `${versionLabel(v)} (${v.file}) is new since ${ref}`
  return judged(reference, current, { kind: 'ref', ref }, newNote)
}

async function judged(
  reference: readonly ReferenceVersion[],
  current: readonly DeclaredFamily[],
  side: ReferenceSide,
  noteFor: (v: VersionRef & { file: string }) => string,
): Promise<CompatibilityReport> {
  const { judgeVersions } = await import('./judge-versions.js')
  const judgement = judgeVersions(reference, current, side)
  return {
    side,
    findings: judgement.findings,
    unreleased: judgement.added,
    notes: judgement.added.map(noteFor),
    loadedProtocols: true,
    referencePresent: true,
    referenceCount: reference.length,
    affected: [...judgement.changed, ...judgement.removed],
  }
}

function unlockedNote(v: VersionRef & { file: string }): string {
  return `${versionLabel(v)} (${v.file}) is not locked yet: run \`colloquy lock\` when you release it`
}
