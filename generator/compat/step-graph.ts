/**
 * A protocol version as the graph its peers actually walk: one node per state (message, choice, inline,
 * keyed by its label, which is unique and travels on the wire), edges resolved through loops, continues
 * and ends. Loop names and the nesting of the step tree are gone, so two versions that differ only in
 * those have equal graphs; that is what compatibility is judged on.
 */
import { P, match } from 'ts-pattern'
import type { SourceLocation } from '../../runtime/protocol/dsl/call-site.js'
import type { IRStep, ProtocolIR } from '../../runtime/protocol/ir/protocol-ir.js'
import type { StepPath } from './types.js'
import { InternalError } from '../../runtime/protocol/errors/internal-error.js'

/** The end of the protocol as an edge target (labels are identifiers, so no label collides with it). */
export const END = '(end)'
/** The protocol's entry, as the source of the first edge. */
export const START = '(start)'

export type StateStep = Extract<IRStep, { op: 'message' | 'choice' | 'inline' }>

export interface Edge {
  /** A state label or END. */
  readonly target: string
  /** The step that makes the edge: a `continue`, an `end`, or the source state itself (fall-through). Null for START's edge. */
  readonly origin: StepPath | null
}

export interface StateNode {
  readonly label: string
  readonly step: StateStep
  readonly path: StepPath
  /** 1-based, in declaration order, as generated code and definition errors count steps. */
  readonly number: number
  /** `next` for messages and inlines; `branch:<name>` for each branch of a choice. */
  readonly slots: ReadonlyMap<string, Edge>
}

export interface StepGraph {
  readonly ir: ProtocolIR
  readonly start: Edge
  /** In step-number order. */
  readonly nodes: ReadonlyMap<string, StateNode>
  /** Sources of the edges into each target (START for the entry), as `[source, slot]`. */
  readonly incoming: ReadonlyMap<string, readonly (readonly [string, string])[]>
}

export const nextSlot = 'next'
export const branchSlot = (branch: string): string => `branch:${branch}`
export const branchOfSlot = (slot: string): string | null => (slot.startsWith('branch:') ? slot.slice('branch:'.length) : null)

/**
 * `locations` (a snapshot's) recover the declared order of a choice's branches, which numbers the steps
 * inside them: a lockfile stores the IR as canonical JSON, with branches sorted by name.
 */
export function buildStepGraph(ir: ProtocolIR, locations: Readonly<Record<string, SourceLocation>> = {}): StepGraph {
  const nodes = new Map<string, StateNode & { slots: Map<string, Edge> }>()
  const childPath = (prefix: string, index: number): StepPath => (prefix ? `${prefix}.${index}` : String(index))

  const number = (steps: readonly IRStep[], prefix: string): void =>
    steps.forEach((step, index) => {
      const path = childPath(prefix, index)
      if (step.op === 'message' || step.op === 'choice' || step.op === 'inline') {
        nodes.set(step.label, { label: step.label, step, path, number: nodes.size + 1, slots: new Map() })
      }
      if (step.op === 'choice')
        for (const branch of declaredOrder(Object.keys(step.branches), path, locations)) number(step.branches[branch]!, `${path}.${branch}`)
      if (step.op === 'loop') number(step.body, `${path}.body`)
    })

  const headOf = (body: readonly IRStep[]): string => {
    for (const step of body) {
      if (step.op === 'message' || step.op === 'choice' || step.op === 'inline') return step.label
      if (step.op === 'loop') return headOf(step.body)
    }
    throw new InternalError(`${ir.name} v${ir.version}: a loop body without a message, choice or inline step`)
  }

  // The edge into a list of steps, given `after`, the edge that follows the list. Linked from the last
  // step back, so only nesting (not length) costs stack.
  const linkList = (steps: readonly IRStep[], prefix: string, after: Edge, loops: ReadonlyMap<string, string>): Edge => {
    let next = after
    for (let index = steps.length - 1; index >= 0; index--) next = linkStep(steps[index]!, childPath(prefix, index), next, loops)
    return next
  }

  const linkStep = (step: IRStep, path: StepPath, next: Edge, loops: ReadonlyMap<string, string>): Edge =>
    match<IRStep, Edge>(step)
      .with({ op: 'end' }, () => ({ target: END, origin: path }))
      .with({ op: 'continue' }, ({ name }) => {
        const head = loops.get(name)
        if (head === undefined) throw new InternalError(`${ir.name} v${ir.version}: continue ${name} at ${path} has no enclosing loop of that name`)
        return { target: head, origin: path }
      })
      .with({ op: 'loop' }, ({ name, body }) => {
        const head = headOf(body)
        linkList(body, `${path}.body`, next, new Map(loops).set(name, head))
        return { target: head, origin: null }
      })
      .with({ op: P.union('message', 'inline') }, ({ label }) => {
        nodes.get(label)!.slots.set(nextSlot, sourced(next, path))
        return { target: label, origin: null }
      })
      .with({ op: 'choice' }, ({ label, branches }) => {
        const node = nodes.get(label)!
        for (const [branch, body] of Object.entries(branches)) {
          node.slots.set(branchSlot(branch), sourced(linkList(body, `${path}.${branch}`, next, loops), path))
        }
        return { target: label, origin: null }
      })
      .exhaustive()

  number(ir.steps, '')
  const start = linkList(ir.steps, '', { target: END, origin: null }, new Map())
  const incoming = new Map<string, [string, string][]>()
  const addIncoming = (target: string, source: string, slot: string): void => {
    const list = incoming.get(target) ?? []
    list.push([source, slot])
    incoming.set(target, list)
  }
  addIncoming(start.target, START, nextSlot)
  for (const node of nodes.values()) for (const [slot, edge] of node.slots) addIncoming(edge.target, node.label, slot)
  return { ir, start, nodes, incoming }
}

/**
 * Branch names as declared. Keys not in name order cannot come from canonical JSON, so they are the
 * declaration order; otherwise order by where each branch's first step was written. A branch with no
 * step has no location, but also no numbered step, so where it sorts does not matter.
 */
function declaredOrder(branches: readonly string[], choicePath: StepPath, locations: Readonly<Record<string, SourceLocation>>): string[] {
  const sorted = [...branches].sort()
  if (branches.some((name, i) => name !== sorted[i])) return [...branches]
  const at = (branch: string): SourceLocation | undefined => locations[`${choicePath}.${branch}.0`]
  return sorted.sort((a, b) => {
    const x = at(a)
    const y = at(b)
    if (!x || !y) return x ? -1 : y ? 1 : 0
    return x.file !== y.file ? 0 : x.line - y.line || x.column - y.column
  })
}

/** A fall-through edge is made by its source state. */
function sourced(edge: Edge, sourcePath: StepPath): Edge {
  return edge.origin === null ? { target: edge.target, origin: sourcePath } : edge
}
