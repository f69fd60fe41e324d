/**
 * Which locked step is which current step. Labels are unique and travel on the wire, so a label on both
 * sides (with the same kind of step) is the same step. A locked step whose label is gone and a new step
 * of the same kind and direction entered from the same place are one step renamed, not a removal and
 * an addition.
 */
import { START, type StateNode, type StepGraph } from './step-graph.js'

export interface StepMatching {
  /** Locked label -> current label, for every step on both sides, in locked step order. */
  readonly pairs: ReadonlyMap<string, string>
  /** Current labels that were renamed (their locked label differs). */
  readonly renamed: ReadonlySet<string>
  /** Locked labels with no current counterpart. */
  readonly removed: ReadonlySet<string>
  /** Current labels with no locked counterpart. */
  readonly added: ReadonlySet<string>
}

/** Maps the locked definition's role names to the current one's, by position (initiator, responder). */
export type RoleMap = (lockedRole: string) => string

export function matchSteps(locked: StepGraph, current: StepGraph, roleOf: RoleMap): StepMatching {
  const pairs = new Map<string, string>()
  for (const [label, node] of locked.nodes) {
    const now = current.nodes.get(label)
    if (now && now.step.op === node.step.op) pairs.set(label, label)
  }
  const paired = new Set(pairs.values())
  const renamed = new Set<string>()
  const entries = (graph: StepGraph, label: string, map: (source: string) => string | undefined): Set<string> =>
    new Set(
      (graph.incoming.get(label) ?? []).flatMap(([source, slot]) => {
        const mapped = source === START ? START : map(source)
        return mapped === undefined ? [] : [`${mapped}|${slot}`]
      }),
    )

  // Locked step order, so a run of renamed steps pairs front to back (each entered from the one before).
  for (const [label, node] of locked.nodes) {
    if (pairs.has(label)) continue
    const lockedEntries = entries(locked, label, (source) => pairs.get(source))
    for (const [candidate, now] of current.nodes) {
      if (paired.has(candidate) || locked.nodes.has(candidate) || !sameShape(node, now, roleOf)) continue
      const currentEntries = entries(current, candidate, (source) => (paired.has(source) ? source : undefined))
      if (![...currentEntries].some((entry) => lockedEntries.has(entry))) continue
      pairs.set(label, candidate)
      paired.add(candidate)
      renamed.add(candidate)
      break
    }
  }
  const removed = new Set([...locked.nodes.keys()].filter((label) => !pairs.has(label)))
  const added = new Set([...current.nodes.keys()].filter((label) => !paired.has(label)))
  return { pairs, renamed, removed, added }
}

/** Same kind of step, same direction, same sub-protocol: what a rename keeps. */
function sameShape(locked: StateNode, current: StateNode, roleOf: RoleMap): boolean {
  const a = locked.step
  const b = current.step
  if (a.op === 'message' && b.op === 'message') return roleOf(a.from) === b.from && roleOf(a.to) === b.to
  if (a.op === 'choice' && b.op === 'choice') return roleOf(a.by) === b.by
  if (a.op === 'inline' && b.op === 'inline') return a.protocol === b.protocol
  return false
}
