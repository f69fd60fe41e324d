/**
 * The shapes shared by the compatibility rules, the lockfile and the CLI. A snapshot is one protocol
 * version as released: its canonical IR and hash (what peers compare at the handshake) plus where each
 * step was written (never hashed: moving a line is not a change).
 */
import type { SourceLocation } from '../../runtime/protocol/dsl/call-site.js'
import type { ProtocolIR } from '../../runtime/protocol/ir/protocol-ir.js'

/**
 * A step's address inside a version: indices along the IR's step tree (every step counts, loops,
 * continues and ends included), e.g. `2`, `3.accept.0` (branch `accept` of the choice at index 3, its
 * first step), `1.body.4` (inside a loop's body). Not the step number users see in messages, which counts
 * only messages, choices and inlines, from 1.
 */
export type StepPath = string

export interface VersionSnapshot {
  readonly ir: ProtocolIR
  readonly hash: string
  /** Where each step was written, by step path; `protocol` is where the version was declared. Paths are project-relative. */
  readonly locations: Readonly<Record<StepPath | 'protocol', SourceLocation>>
}

/**
 * What a finding is about, in terms that survive edits elsewhere: the version, the step (its path on the
 * locked side when it has one, which cannot change while the lock stands) and what inside it. Line numbers
 * and wording are left out on purpose: the finding's fingerprint is derived from this and its rule.
 */
export interface FindingSubject {
  readonly protocol: string
  readonly version: number
  /** The step path, or null for the version as a whole (roles, declared errors, a removed version). */
  readonly step: StepPath | null
  /** A field path, branch, declared error or edge inside the step, or null. */
  readonly detail: string | null
}

/** One incompatible difference between a locked version and the version now declared under the same number. */
export interface CompatFinding {
  /** Stable rule id from rules.ts, e.g. STEP_REMOVED, PAYLOAD_TYPE_CHANGED (documented in the README). */
  readonly rule: string
  readonly subject: FindingSubject
  /** Past tense, names the protocol, version and step: "Demo v1 step 2 (receive greeting) changed its payload from integer to string". */
  readonly message: string
  /** The next step for the author: "Bump Demo to version 2 and keep version 1 declared for peers that still run it". */
  readonly remedy: string
  /**
   * Where the difference is in the current tree. compareVersions always fills it: when the current side has
   * no such step (a removed step, a changed declared error), it is the current protocol's declaration, so
   * both locations can always be printed. Null only from producers that have no current side at all.
   */
  readonly current: SourceLocation | null
  /** Where the locked version had it; the locked protocol's declaration when the locked side had no such step (an added step). */
  readonly locked: SourceLocation | null
}
