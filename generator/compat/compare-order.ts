/**
 * Order, loops and ends, judged on the state graphs rather than the step trees: renaming a loop, nesting
 * it differently or moving the steps after a loop into the branch that leaves it changes no edge, so it
 * is no change. Steps on one side only are looked through (their own findings say what happened), then:
 *
 * 1. Steps out of order: the kept steps in walk order on each side; those outside a longest common
 *    subsequence moved. They are then looked through as well.
 * 2. Every remaining edge of a kept step that now leads elsewhere is a loop change when it loops back on
 *    either side, a moved step when another step now comes there, or a changed end when one side ends.
 */
import { keptStepName, listPhrase, slotName, targetName, versionName } from './describe.js'
import type { FindingDraft } from './finding-draft.js'
import type { StepMatching } from './match-steps.js'
import { END, type Edge, START, type StepGraph, nextSlot } from './step-graph.js'
import type { StepPath } from './types.js'

/** An edge that passes through a step on one side only and splits there: nothing to compare it with. */
const UNMATCHED = '(unmatched)'

/** One side's graph seen in the current definition's labels, with some of its steps looked through. */
interface SideView {
  readonly graph: StepGraph
  /** This side's label -> the current label of the same step. */
  readonly idOf: (label: string) => string
  /** Current label -> this side's label. */
  readonly labelOf: (id: string) => string | undefined
  /** This side's labels to look through. */
  readonly skip: ReadonlySet<string>
}

interface Target {
  /** A current label, END or UNMATCHED. */
  readonly id: string
  readonly origin: StepPath | null
}

export function compareOrder(locked: StepGraph, current: StepGraph, matching: StepMatching): FindingDraft[] {
  const reverse = new Map([...matching.pairs].map(([l, c]) => [c, l]))
  const lockedView = (skip: ReadonlySet<string>): SideView => ({ graph: locked, idOf: (l) => matching.pairs.get(l)!, labelOf: (id) => reverse.get(id), skip })
  const currentView = (skip: ReadonlySet<string>): SideView => ({
    graph: current,
    idOf: (c) => c,
    labelOf: (id) => (current.nodes.has(id) ? id : undefined),
    skip,
  })

  // 1. Steps out of order.
  const before = { locked: lockedView(matching.removed), current: currentView(matching.added) }
  const lockedOrder = walkOrder(before.locked)
  const currentOrder = walkOrder(before.current)
  const inCurrent = new Set(currentOrder)
  const inBoth = new Set(lockedOrder.filter((id) => inCurrent.has(id)))
  const kept = longestCommonOrder(
    lockedOrder.filter((id) => inBoth.has(id)),
    currentOrder.filter((id) => inBoth.has(id)),
  )
  const moved = new Set([...inBoth].filter((id) => !kept.has(id)))

  // 2. Edges that lead elsewhere, with moved steps looked through too.
  const after = {
    locked: lockedView(new Set([...matching.removed, ...[...moved].map((id) => reverse.get(id)!)])),
    current: currentView(new Set([...matching.added, ...moved])),
  }
  const sources = [START, ...[...current.nodes.keys()].filter((id) => reverse.has(id) && !moved.has(id))]
  const lockedBack = backEdges(after.locked, sources)
  const currentBack = backEdges(after.current, sources)
  const lockedEntries = entries(after.locked, sources, lockedBack)
  const currentEntries = entries(after.current, sources, currentBack)
  // An entry through a branch the other side lacks is the branch finding's business, not a move.
  const hasSlot = (view: SideView, entry: string): boolean => {
    const [source, slot] = entry.split('|') as [string, string]
    return slotsOf(view, source).has(slot)
  }
  const lost = (id: string): boolean => [...(lockedEntries.get(id) ?? [])].some((e) => !currentEntries.get(id)?.has(e) && hasSlot(after.current, e))
  const gained = (id: string): boolean => [...(currentEntries.get(id) ?? [])].some((e) => !lockedEntries.get(id)?.has(e) && hasSlot(after.locked, e))
  for (const id of sources) if (id !== START && lost(id) && gained(id)) moved.add(id)

  const name = versionName(current.ir)
  const out: FindingDraft[] = []
  for (const source of sources) {
    const lockedSlots = slotsOf(after.locked, source)
    const currentSlots = slotsOf(after.current, source)
    for (const [slot, now] of currentSlots) {
      const then = lockedSlots.get(slot)
      if (!then || then.id === UNMATCHED || now.id === UNMATCHED || then.id === now.id) continue
      const key = `${source}|${slot}`
      const where = slotName(source, slot, current.nodes, current.ir)
      const wentTo = targetName(then.id, current.nodes, current.ir)
      const goesTo = targetName(now.id, current.nodes, current.ir)
      const at = { locked: then.origin, current: now.origin, detail: key }
      if (lockedBack.has(key) || currentBack.has(key)) {
        const was = lockedBack.has(key) ? `went back to ${wentTo}` : then.id === END ? 'ended the protocol' : `went on to ${wentTo}`
        const is = currentBack.has(key) ? `now goes back to ${goesTo}` : now.id === END ? 'now ends the protocol' : `now goes on to ${goesTo}`
        out.push({
          rule: 'LOOP_CHANGED',
          message: `${name} ${where} changed where it continues: it ${was} and ${is}, so peers on different definitions expect different steps after it`,
          ...at,
        })
      } else if (moved.has(then.id) || moved.has(now.id)) {
      } else if (then.id === END || now.id === END) {
        const consequence =
          then.id === END
            ? 'a peer on the locked definition finishes there while one on the current definition goes on'
            : 'a peer on the current definition finishes there while one on the locked definition goes on'
        const was = then.id === END ? 'ended the protocol' : `went on to ${wentTo}`
        const is = now.id === END ? 'now ends the protocol' : `now goes on to ${goesTo}`
        out.push({ rule: 'PATH_END_CHANGED', message: `${name} ${where} changed where it continues: it ${was} and ${is}; ${consequence}`, ...at })
      } else {
        moved.add(now.id)
      }
    }
  }
  return out.concat(movedSteps(moved, before))
}

/** One finding per moved step, saying what it follows on each side. */
function movedSteps(moved: ReadonlySet<string>, view: { locked: SideView; current: SideView }): FindingDraft[] {
  const current = view.current.graph
  const locked = view.locked.graph
  const all = [START, ...current.nodes.keys()]
  const lockedEntries = entries(view.locked, all, new Set())
  const currentEntries = entries(view.current, all, new Set())
  const place = (list: ReadonlySet<string> | undefined, now: boolean): string => {
    const sources = [...(list ?? [])].sort()
    if (sources.length === 1 && sources[0]!.startsWith(`${START}|`)) return now ? 'now comes first' : 'came first'
    const named = sources.map((entry) => {
      const [source, slot] = entry.split('|') as [string, string]
      return slotName(source, slot, current.nodes, current.ir)
    })
    return `${now ? 'now comes' : 'came'} after ${listPhrase(named) || 'no step'}`
  }
  return [...current.nodes.values()]
    .filter((node) => moved.has(node.label))
    .map((node) => {
      const then = locked.nodes.get(view.locked.labelOf(node.label)!)!
      return {
        rule: 'STEP_MOVED' as const,
        message: `${versionName(current.ir)} ${keptStepName(then, node, locked.ir, current.ir)} moved: it ${place(currentEntries.get(node.label), true)}, and ${place(lockedEntries.get(node.label), false)}; peers on different definitions expect the steps in a different order`,
        locked: then.path,
        current: node.path,
      }
    })
}

/** Where an edge goes once steps to skip are looked through; UNMATCHED when they lead several ways. */
function follow(view: SideView, edge: Edge): Target {
  const visiting = new Set<string>()
  const walk = (e: Edge): Target => {
    if (e.target === END) return { id: END, origin: e.origin }
    if (!view.skip.has(e.target)) return { id: view.idOf(e.target), origin: e.origin }
    if (visiting.has(e.target)) return { id: UNMATCHED, origin: e.origin }
    visiting.add(e.target)
    const onward = [...view.graph.nodes.get(e.target)!.slots.values()].map(walk)
    visiting.delete(e.target)
    const first = onward[0]
    return first && first.id !== UNMATCHED && onward.every((t) => t.id === first.id) ? first : { id: UNMATCHED, origin: e.origin }
  }
  return walk(edge)
}

/** The edges out of a step (by current label, or START) on one side, slots in a fixed order. */
function slotsOf(view: SideView, id: string): Map<string, Target> {
  if (id === START) return new Map([[nextSlot, follow(view, view.graph.start)]])
  const label = view.labelOf(id)
  const node = label === undefined ? undefined : view.graph.nodes.get(label)
  if (!node) return new Map()
  return new Map(sortedSlots([...node.slots.keys()]).map((slot) => [slot, follow(view, node.slots.get(slot)!)]))
}

function sortedSlots(slots: readonly string[]): string[] {
  return [...slots].sort((a, b) => (a === nextSlot ? -1 : b === nextSlot ? 1 : a < b ? -1 : a > b ? 1 : 0))
}

/** Kept steps in depth-first walk order from the start (`next` first, then branches by name). */
function walkOrder(view: SideView): string[] {
  const { graph } = view
  const seen = new Set<string>()
  const order: string[] = []
  const stack = [graph.start.target]
  while (stack.length > 0) {
    const label = stack.pop()!
    if (label === END || seen.has(label)) continue
    seen.add(label)
    const node = graph.nodes.get(label)!
    if (!view.skip.has(label)) order.push(view.idOf(label))
    const slots = sortedSlots([...node.slots.keys()])
    for (let i = slots.length - 1; i >= 0; i--) stack.push(node.slots.get(slots[i]!)!.target)
  }
  return order
}

/** The ids of a longest common subsequence of two orderings of the same ids (a longest increasing run of positions). */
function longestCommonOrder(a: readonly string[], b: readonly string[]): Set<string> {
  const position = new Map(b.map((id, index) => [id, index]))
  const values = a.map((id) => position.get(id)!)
  const tails: number[] = []
  const previous: number[] = new Array(values.length).fill(-1)
  for (let i = 0; i < values.length; i++) {
    let lo = 0
    let hi = tails.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (values[tails[mid]!]! < values[i]!) lo = mid + 1
      else hi = mid
    }
    if (lo > 0) previous[i] = tails[lo - 1]!
    tails[lo] = i
  }
  const kept = new Set<string>()
  for (let i = tails.at(-1) ?? -1; i >= 0; i = previous[i]!) kept.add(a[i]!)
  return kept
}

/** `source|slot` of every edge that closes a cycle, found by a depth-first walk over the looked-through graph. */
function backEdges(view: SideView, sources: readonly string[]): Set<string> {
  const reachable = new Set(sources)
  const state = new Map<string, 'open' | 'done'>()
  const back = new Set<string>()
  const stack: { id: string; edges: [string, Target][]; next: number }[] = []
  const enter = (id: string): void => {
    state.set(id, 'open')
    stack.push({ id, edges: [...slotsOf(view, id)], next: 0 })
  }
  enter(START)
  while (stack.length > 0) {
    const top = stack.at(-1)!
    const edge = top.edges[top.next++]
    if (!edge) {
      state.set(top.id, 'done')
      stack.pop()
      continue
    }
    const [slot, target] = edge
    if (target.id === END || target.id === UNMATCHED || !reachable.has(target.id)) continue
    const seen = state.get(target.id)
    if (seen === 'open') back.add(`${top.id}|${slot}`)
    else if (seen === undefined) enter(target.id)
  }
  return back
}

/** For each step, the `source|slot` edges that lead into it, loop-backs left out. */
function entries(view: SideView, sources: readonly string[], back: ReadonlySet<string>): Map<string, Set<string>> {
  const into = new Map<string, Set<string>>()
  for (const source of sources) {
    for (const [slot, target] of slotsOf(view, source)) {
      if (target.id === END || target.id === UNMATCHED || back.has(`${source}|${slot}`)) continue
      const set = into.get(target.id) ?? new Set<string>()
      set.add(`${source}|${slot}`)
      into.set(target.id, set)
    }
  }
  return into
}
