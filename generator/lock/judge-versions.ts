/**
 * The judgement `colloquy check` and `colloquy lock` share: each version on the reference side (the
 * lockfile, or the protocols at a git revision) against the version declared now under the same name
 * and number. Any difference in a released version is a finding, because peers compare definition hashes
 * at the handshake: even a change the rules consider harmless makes old and new nodes refuse each other.
 */
import type { SourceLocation } from '../../runtime/protocol/dsl/call-site.js'
import { compareVersions } from '../compat/compare.js'
import { remedyFor } from '../compat/describe.js'
import type { VersionRuleId } from '../compat/rules.js'
import type { CompatFinding, VersionSnapshot } from '../compat/types.js'
import type { DeclaredFamily, DeclaredVersion } from './declared-versions.js'
import { type VersionRef, shortHash, versionLabel } from './lockfile.js'

export const lockedVersionRemovedRule: VersionRuleId = 'LOCKED_VERSION_REMOVED'
export const definitionChangedRule: VersionRuleId = 'DEFINITION_CHANGED'

/** What the reference side is, for messages: the lockfile, or a git revision. */
export type ReferenceSide = { readonly kind: 'lock'; readonly file: string } | { readonly kind: 'ref'; readonly ref: string }

export interface ReferenceVersion extends VersionRef {
  readonly snapshot: VersionSnapshot
  /** Where to point for this version when the tree no longer declares its protocol at all. */
  readonly fallback: SourceLocation | null
}

export interface Judgement {
  /** Every finding, with both locations filled in. */
  readonly findings: readonly CompatFinding[]
  readonly unchanged: readonly VersionRef[]
  /** Reference versions whose definition differs now (each has at least one finding). */
  readonly changed: readonly VersionRef[]
  /** Reference versions the tree no longer declares (each has a finding). */
  readonly removed: readonly VersionRef[]
  /** Declared versions the reference side does not have. */
  readonly added: readonly (VersionRef & { readonly file: string })[]
}

export function judgeVersions(reference: readonly ReferenceVersion[], current: readonly DeclaredFamily[], side: ReferenceSide): Judgement {
  const declared = new Map<string, DeclaredVersion>()
  for (const family of current) for (const v of family.versions) declared.set(key(v), v)
  const referenced = new Set(reference.map(key))

  const findings: CompatFinding[] = []
  const unchanged: VersionRef[] = []
  const changed: VersionRef[] = []
  const removed: VersionRef[] = []
  for (const locked of reference) {
    const now = declared.get(key(locked))
    if (!now) {
      removed.push(ref(locked))
      findings.push(removedFinding(locked, current, side))
      continue
    }
    if (now.snapshot.hash === locked.snapshot.hash) {
      unchanged.push(ref(locked))
      continue
    }
    changed.push(ref(locked))
    const family = current.find((f) => f.name === locked.name)!
    const found = compareVersions(locked.snapshot, now.snapshot, { nextVersion: nextVersion(family) })
    const located = found.map((finding) => withBothLocations(finding, locked.snapshot, now.snapshot))
    findings.push(...(located.length > 0 ? located : [definitionChanged(locked, now, family, side)]))
  }
  const added = current.flatMap((family) => family.versions.filter((v) => !referenced.has(key(v))).map((v) => ({ ...ref(v), file: family.file })))
  return { findings, unchanged, changed, removed, added }
}

/** A finding's missing side points at that side's protocol declaration, so every finding shows two places. */
function withBothLocations(finding: CompatFinding, locked: VersionSnapshot, current: VersionSnapshot): CompatFinding {
  return { ...finding, current: finding.current ?? declarationOf(current), locked: finding.locked ?? declarationOf(locked) }
}

function removedFinding(locked: ReferenceVersion, current: readonly DeclaredFamily[], side: ReferenceSide): CompatFinding {
  const family = current.find((f) => f.name === locked.name)
  const label = versionLabel(locked)
  const was = side.kind === 'lock' ? `was locked in ${side.file}` : `was declared at ${side.ref}`
  const prune = side.kind === 'lock' ? ', or run `colloquy lock --prune` once no peer runs it' : ' until no peer runs it'
  return {
    rule: lockedVersionRemovedRule,
    subject: { protocol: locked.name, version: locked.version, step: null, detail: null },
    message: `${label} ${was} but is no longer declared, so nodes built from this tree refuse peers that still run it`,
    remedy: `Keep ${label} declared beside the newer versions${prune}`,
    current: (family && declarationOf(family.versions.at(-1)!.snapshot)) ?? locked.fallback,
    locked: declarationOf(locked.snapshot),
  }
}

/** A changed hash the rules find no incompatibility in (e.g. a widened type): still refused at the handshake. */
function definitionChanged(locked: ReferenceVersion, now: DeclaredVersion, family: DeclaredFamily, side: ReferenceSide): CompatFinding {
  const label = versionLabel(locked)
  const since = side.kind === 'lock' ? 'since it was locked' : `since ${side.ref}`
  return {
    rule: definitionChangedRule,
    // The current hash tells one harmless change from the next: approving this one approves no other.
    subject: { protocol: locked.name, version: locked.version, step: null, detail: now.snapshot.hash },
    message: `${label} changed its definition ${since} (hash ${shortHash(locked.snapshot.hash)} became ${shortHash(now.snapshot.hash)}); peers compare these hashes at the handshake and refuse each other`,
    remedy: remedyFor(now.snapshot.ir, nextVersion(family)),
    current: declarationOf(now.snapshot),
    locked: declarationOf(locked.snapshot),
  }
}

/** Where the version was declared (`protocol(...)`), when the snapshot knows. */
export function declarationOf(snapshot: VersionSnapshot): SourceLocation | null {
  return snapshot.locations.protocol ?? null
}

function nextVersion(family: DeclaredFamily): number {
  return Math.max(...family.versions.map((v) => v.version)) + 1
}

function key(v: VersionRef): string {
  return `${v.name}\0${v.version}`
}

function ref(v: VersionRef): VersionRef {
  return { name: v.name, version: v.version }
}
