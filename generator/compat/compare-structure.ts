/**
 * Step by step: renamed labels, flipped directions, choice branches judged by session subtyping, changed
 * sub-protocols, and steps added or removed. (Order, loops and ends are compare-order.ts.)
 *
 * Choices, per role: the role that follows a choice may safely gain branches and the role that makes it
 * may safely drop them, each against a peer that did not change. A protocol changes both roles at once,
 * so an added branch breaks the follower still on the locked definition (the current chooser may pick
 * it), and a removed branch breaks the follower on the current definition (the locked chooser may still
 * pick it).
 */
import { match } from 'ts-pattern'
import type { ProtocolIR } from '../../runtime/protocol/ir/protocol-ir.js'
import { keptStepName, peer, stepName, versionName } from './describe.js'
import type { FindingDraft } from './finding-draft.js'
import type { RoleMap, StepMatching } from './match-steps.js'
import { START, type StateNode, type StepGraph, branchOfSlot, nextSlot } from './step-graph.js'

export function compareSteps(locked: StepGraph, current: StepGraph, matching: StepMatching, roleOf: RoleMap): FindingDraft[] {
  const out: FindingDraft[] = []
  for (const [lockedLabel, currentLabel] of matching.pairs) {
    const then = locked.nodes.get(lockedLabel)!
    const now = current.nodes.get(currentLabel)!
    const subject = `${versionName(current.ir)} ${keptStepName(then, now, locked.ir, current.ir)}`
    const at = { locked: then.path, current: now.path }
    if (matching.renamed.has(currentLabel)) {
      const what = match(now.step.op)
        .with('message', () => 'message')
        .with('choice', () => 'choice')
        .with('inline', () => "sub-protocol's messages")
        .exhaustive()
      out.push({
        rule: 'STEP_RENAMED',
        message: `${subject} was renamed from ${lockedLabel} to ${currentLabel}: labels travel on the wire, so a peer on either definition rejects the other's ${what}`,
        ...at,
      })
    }
    out.push(...changesOfKeptStep(then, now, subject, at, locked.ir, current.ir, roleOf))
  }
  out.push(...additions(current, matching.added, matching, locked, 'current'))
  out.push(...additions(locked, matching.removed, matching, current, 'locked'))
  return out
}

function changesOfKeptStep(
  then: StateNode,
  now: StateNode,
  subject: string,
  at: { locked: string; current: string },
  lockedIR: ProtocolIR,
  currentIR: ProtocolIR,
  roleOf: RoleMap,
): FindingDraft[] {
  const a = then.step
  const b = now.step
  if (a.op === 'message' && b.op === 'message' && roleOf(a.from) !== b.from) {
    return [
      {
        rule: 'STEP_DIRECTION_CHANGED',
        message: `${subject} changed who sends it from ${roleOf(a.from)} to ${b.from}: peers on different definitions both wait for it, or both send it`,
        ...at,
      },
    ]
  }
  if (a.op === 'choice' && b.op === 'choice') {
    if (roleOf(a.by) !== b.by) {
      return [
        {
          rule: 'STEP_DIRECTION_CHANGED',
          message: `${subject} changed who makes the choice from ${roleOf(a.by)} to ${b.by}: peers on different definitions both wait for it, or both make it`,
          ...at,
        },
      ]
    }
    const chooser = b.by
    const follower = b.by === currentIR.initiator ? currentIR.responder : currentIR.initiator
    const out: FindingDraft[] = []
    for (const branch of Object.keys(b.branches)
      .filter((name) => !(name in a.branches))
      .sort()) {
      out.push({
        rule: 'CHOICE_BRANCH_ADDED',
        message: `${subject} added branch ${branch}: ${peer(chooser, 'current')} may choose it, which ${peer(follower, 'locked')} cannot follow`,
        locked: at.locked,
        current: `${at.current}.${branch}.0`,
        detail: branch,
      })
    }
    for (const branch of Object.keys(a.branches)
      .filter((name) => !(name in b.branches))
      .sort()) {
      out.push({
        rule: 'CHOICE_BRANCH_REMOVED',
        message: `${subject} removed branch ${branch}: ${peer(chooser, 'locked')} may choose it, which ${peer(follower, 'current')} rejects`,
        locked: `${at.locked}.${branch}.0`,
        current: at.current,
        detail: branch,
      })
    }
    return out
  }
  if (a.op === 'inline' && b.op === 'inline') {
    const changes: string[] = []
    if (a.protocol !== b.protocol || a.version !== b.version) changes.push(`it inlined ${a.protocol} v${a.version} and now inlines ${b.protocol} v${b.version}`)
    else if (a.hash !== b.hash)
      changes.push(`the definition of ${b.protocol} v${b.version} changed (${shortHash(a.hash)} when locked, ${shortHash(b.hash)} now)`)
    const roles = [...new Set([...Object.keys(a.roles), ...Object.keys(b.roles)])].sort()
    const remapped = roles.filter((role) => (a.roles[role] === undefined ? undefined : roleOf(a.roles[role])) !== b.roles[role])
    if (remapped.length > 0 && a.protocol === b.protocol) {
      changes.push(
        `its roles map ${remapped.map((role) => `${role} to ${b.roles[role] ?? 'nothing'} (was ${a.roles[role] === undefined ? 'nothing' : roleOf(a.roles[role])})`).join(', ')}`,
      )
    }
    if (changes.length === 0) return []
    return [
      {
        rule: 'INLINE_CHANGED',
        message: `${subject} changed its sub-protocol: ${changes.join('; ')}; its steps are part of ${versionName(lockedIR)}, so peers on different definitions run different steps`,
        ...at,
      },
    ]
  }
  return []
}

/**
 * Steps on one side only, except those inside something already reported: a step reached only through
 * an added branch, or through the branches of an added choice, is part of that addition.
 */
function additions(graph: StepGraph, labels: ReadonlySet<string>, matching: StepMatching, other: StepGraph, side: 'current' | 'locked'): FindingDraft[] {
  const reverse = new Map([...matching.pairs].map(([lockedLabel, currentLabel]) => [currentLabel, lockedLabel]))
  const counterpart = (label: string): string | undefined => (side === 'locked' ? matching.pairs.get(label) : reverse.get(label))
  const branchIsNew = (source: string, slot: string): boolean => {
    const branch = branchOfSlot(slot)
    const twin = counterpart(source)
    const twinStep = twin === undefined ? undefined : other.nodes.get(twin)?.step
    return branch !== null && twinStep?.op === 'choice' && !(branch in twinStep.branches)
  }
  // Least fixpoint: entered from the start, from a kept step (not through a new branch), or after a reported step.
  const reported = new Set<string>()
  for (let changed = true; changed; ) {
    changed = false
    for (const label of labels) {
      if (reported.has(label)) continue
      const entered = (graph.incoming.get(label) ?? []).some(
        ([source, slot]) => source === START || (!labels.has(source) && !branchIsNew(source, slot)) || (reported.has(source) && slot === nextSlot),
      )
      if (entered) {
        reported.add(label)
        changed = true
      }
    }
  }
  const { ir } = graph
  return [...graph.nodes.values()]
    .filter((node) => reported.has(node.label))
    .map((node) => {
      const subject = `${versionName(ir)} ${side === 'current' ? 'added' : 'removed'} ${stepName(node, ir)}`
      return {
        rule: side === 'current' ? 'STEP_ADDED' : 'STEP_REMOVED',
        message: `${subject}${consequence(node, ir, side)}`,
        locked: side === 'locked' ? node.path : null,
        current: side === 'current' ? node.path : null,
      }
    })
}

/** Who is stuck, and how, when one definition has a step the other lacks. */
function consequence(node: StateNode, ir: ProtocolIR, side: 'current' | 'locked'): string {
  const other = side === 'current' ? 'locked' : 'current'
  return match(node.step)
    .with({ op: 'message' }, (step) =>
      side === 'current'
        ? `, which ${step.from} sends to ${step.to}: ${peer(step.to, 'locked')} does not expect it, and ${peer(step.to, 'current')} waits for it in vain from ${peer(step.from, 'locked')}`
        : `, which ${step.from} sent to ${step.to}: ${peer(step.from, 'locked')} sends it, which ${peer(step.to, 'current')} does not expect, and ${peer(step.to, 'locked')} waits for it in vain`,
    )
    .with({ op: 'choice' }, (step) => {
      const follower = step.by === ir.initiator ? ir.responder : ir.initiator
      return side === 'current'
        ? `, a choice ${step.by} makes: ${peer(follower, 'locked')} does not expect it, and ${peer(follower, 'current')} waits in vain for ${peer(step.by, 'locked')} to choose`
        : `, a choice ${step.by} made: ${peer(step.by, 'locked')} makes it, which ${peer(follower, 'current')} does not expect, and ${peer(follower, 'locked')} waits for it in vain`
    })
    .with({ op: 'inline' }, (step) => `: peers on the ${other} definition do not run ${step.protocol}'s steps there`)
    .exhaustive()
}

function shortHash(hash: string): string {
  return hash.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1…')
}
