/**
 * The shapes shared by the compatibility rules, the lockfile and the CLI. A snapshot is one protocol
 * version as released: its canonical IR and hash (what peers compare at the handshake) plus where each
 * step was written (never hashed: moving a line is not a change).
 */
import type { SourceLocation } from '../../runtime/dsl/call-site.js'
import type { ProtocolIR } from '../../runtime/ir/protocol-ir.js'

/**
 * A step's address inside a version: indices along the step tree, e.g. `2`, `3.accept.0` (branch
 * `accept` of the choice at index 3, its first step), `1.body.4` (inside a loop's body).
 */
export type StepPath = string

export interface VersionSnapshot {
  readonly ir: ProtocolIR
  readonly hash: string
  /** Where each step was written, by step path; `protocol` is where the version was declared. Paths are project-relative. */
  readonly locations: Readonly<Record<StepPath | 'protocol', SourceLocation>>
}

/** One incompatible difference between a locked version and the version now declared under the same number. */
export interface CompatFinding {
  /** Stable rule id, e.g. STEP_REMOVED, FIELD_TYPE_CHANGED (documented in the README's table). */
  readonly rule: string
  /** Past tense, names the protocol, version and step: "Demo v1 step 2 (receive greeting) changed its payload from integer to string". */
  readonly message: string
  /** The next step for the author: "Bump Demo to version 2 and keep version 1 declared for peers that still run it". */
  readonly remedy: string
  /** Where the difference is in the current tree, or null when the current side has no such step (then the protocol's declaration). */
  readonly current: SourceLocation | null
  /** Where the locked version had it, or null when the locked side had no such step. */
  readonly locked: SourceLocation | null
}
