/**
 * `compareVersions(locked, current)`: every incompatible difference between a locked protocol version
 * and the version declared now under the same name and number, as findings with stable rule ids
 * (rules.ts), ordered by where they are (the protocol itself first, then by step path).
 */
import type { SourceLocation } from '../../runtime/protocol/dsl/call-site.js'
import type { ProtocolIR } from '../../runtime/protocol/ir/protocol-ir.js'
import { compareOrder } from './compare-order.js'
import { compareErrorSchemas, comparePayloads } from './compare-payloads.js'
import { compareSteps } from './compare-structure.js'
import { listPhrase, remedyFor, versionName } from './describe.js'
import type { FindingDraft } from './finding-draft.js'
import { type RoleMap, matchSteps } from './match-steps.js'
import { buildStepGraph } from './step-graph.js'
import type { CompatFinding, StepPath, VersionSnapshot } from './types.js'
import { InternalError } from '../../runtime/protocol/errors/internal-error.js'

export interface CompareOptions {
  /** The version number the remedy proposes; defaults to the compared version + 1 (pass the next free number when more versions are declared). */
  readonly nextVersion?: number
}

export function compareVersions(locked: VersionSnapshot, current: VersionSnapshot, options: CompareOptions = {}): CompatFinding[] {
  if (locked.hash === current.hash) return []
  const then = locked.ir
  const now = current.ir
  if (then.name !== now.name || then.version !== now.version) {
    throw new InternalError(`compareVersions compares one version with itself as it changed; got ${versionName(then)} and ${versionName(now)}`)
  }
  const roleOf: RoleMap = (role) => (role === then.initiator ? now.initiator : role === then.responder ? now.responder : role)
  const lockedGraph = buildStepGraph(then, locked.locations)
  const currentGraph = buildStepGraph(now, current.locations)
  const matching = matchSteps(lockedGraph, currentGraph, roleOf)
  const drafts: FindingDraft[] = [
    ...protocolChanges(then, now),
    ...compareErrorSchemas(then, now),
    ...compareSteps(lockedGraph, currentGraph, matching, roleOf),
    ...compareOrder(lockedGraph, currentGraph, matching),
    ...comparePayloads(lockedGraph, currentGraph, matching, roleOf),
  ]
  const remedy = remedyFor(now, options.nextVersion ?? now.version + 1)
  return drafts
    .map((draft) => ({ draft, order: orderKey(draft) }))
    .sort(
      (a, b) =>
        compareOrderKeys(a.order, b.order) ||
        (a.draft.rule < b.draft.rule ? -1 : a.draft.rule > b.draft.rule ? 1 : 0) ||
        (a.draft.message < b.draft.message ? -1 : 1),
    )
    .map(({ draft }) => ({
      rule: draft.rule,
      subject: { protocol: now.name, version: now.version, step: draft.locked ?? draft.current, detail: draft.detail ?? null },
      message: draft.message,
      remedy,
      current: locate(current, draft.current),
      locked: locate(locked, draft.locked),
    }))
}

/** Roles and declared errors: the parts of a version that are not steps. */
function protocolChanges(then: ProtocolIR, now: ProtocolIR): FindingDraft[] {
  const out: FindingDraft[] = []
  const at = { locked: null, current: null }
  const name = versionName(now)
  if (then.initiator !== now.initiator || then.responder !== now.responder) {
    const renamed = [
      then.initiator !== now.initiator ? `the initiator from ${then.initiator} to ${now.initiator}` : '',
      then.responder !== now.responder ? `the responder from ${then.responder} to ${now.responder}` : '',
    ].filter(Boolean)
    out.push({
      rule: 'ROLES_RENAMED',
      message: `${name} renamed ${listPhrase(renamed)}: code generated for the locked version names its states, handlers and inline role maps after the old roles`,
      ...at,
    })
  }
  for (const error of Object.keys(now.errors)
    .filter((e) => !(e in then.errors))
    .sort()) {
    out.push({
      rule: 'ERROR_ADDED',
      message: `${name} added the declared error ${error}: a peer on the current definition may raise it, and a peer still on the locked definition has no declaration or handler for it`,
      detail: error,
      ...at,
    })
  }
  for (const error of Object.keys(then.errors)
    .filter((e) => !(e in now.errors))
    .sort()) {
    out.push({
      rule: 'ERROR_REMOVED',
      message: `${name} removed the declared error ${error}: a peer still on the locked definition may raise it, and a peer on the current definition has no declaration for it`,
      detail: error,
      ...at,
    })
  }
  return out
}

/** A step's location, or the nearest enclosing step's (an empty branch has none), or the protocol's. */
function locate(snapshot: VersionSnapshot, path: StepPath | null): SourceLocation {
  for (let p = path; p !== null; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : null) {
    const at = snapshot.locations[p]
    if (at) return at
  }
  return snapshot.locations['protocol']!
}

/** Protocol-level findings first (empty key), then by step path, numeric segments numerically. */
function orderKey(draft: FindingDraft): (string | number)[] {
  const path = draft.current ?? draft.locked
  return path === null ? [] : path.split('.').map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment))
}

function compareOrderKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!
    const y = b[i]!
    if (x === y) continue
    if (typeof x === 'number' && typeof y === 'number') return x - y
    if (typeof x === 'number') return -1
    if (typeof y === 'number') return 1
    return x < y ? -1 : 1
  }
  return a.length - b.length
}
