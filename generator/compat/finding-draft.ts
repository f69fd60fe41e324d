/** A finding before its locations are looked up and its remedy added: what each comparison produces. */
import type { RuleId } from './rules.js'
import type { StepPath } from './types.js'

export interface FindingDraft {
  readonly rule: RuleId
  readonly message: string
  /** Where on the locked side (a step path), or null for the locked protocol's declaration. */
  readonly locked: StepPath | null
  /** Where on the current side, or null for the current protocol's declaration. */
  readonly current: StepPath | null
  /**
   * What inside the place the finding is about, when one step can have several findings of the same rule:
   * a field path, a branch, a declared error. Part of the finding's fingerprint, so it names things, never
   * wording.
   */
  readonly detail?: string
}
