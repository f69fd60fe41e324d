/**
 * The runtime state table of one protocol version: every state a session can be in, numbered in
 * declaration order, with its successors. Loops and continues are resolved into edges, so the table is a
 * plain graph. Generated code embeds it; the runtime uses it to drive state objects and to reject a peer's
 * out-of-order message.
 */
import type { AnyProtocol } from '../dsl/protocol-definition.js'
import type { StepNode } from '../dsl/step-node.js'
import { InternalError } from '../errors/internal-error.js'

export interface MessageState {
  readonly id: number
  readonly op: 'message'
  readonly label: string
  readonly from: string
  readonly to: string
  readonly next: number
}

export interface ChoiceState {
  readonly id: number
  readonly op: 'choice'
  readonly label: string
  /** The role that picks the branch. */
  readonly by: string
  readonly branches: Readonly<Record<string, number>>
}

export interface InlineState {
  readonly id: number
  readonly op: 'inline'
  readonly label: string
  readonly protocol: string
  readonly version: number
  /** sub-protocol role -> role of this protocol */
  readonly roles: Readonly<Record<string, string>>
  readonly next: number
}

export interface EndState {
  readonly id: number
  readonly op: 'end'
}

export type StateEntry = MessageState | ChoiceState | InlineState | EndState

export interface StateTable {
  readonly protocol: string
  readonly version: number
  readonly initiator: string
  readonly responder: string
  readonly start: number
  /** Indexed by id; the last entry is the single End state. */
  readonly states: readonly StateEntry[]
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export function buildStateTable(definition: AnyProtocol): StateTable {
  const { initiator, responder } = definition
  const ids = new Map<StepNode, number>()
  const order: StepNode[] = []
  const number = (steps: readonly StepNode[]): void => {
    for (const step of steps) {
      if (step.op === 'send' || step.op === 'receive' || step.op === 'choose' || step.op === 'offer' || step.op === 'inline') {
        ids.set(step, order.length)
        order.push(step)
      }
      if (step.op === 'choose' || step.op === 'offer') for (const body of step.branches.values()) number(body)
      if (step.op === 'loop') number(step.body)
    }
  }
  number(definition.steps)
  const endId = order.length
  const states: Mutable<StateEntry>[] = new Array(endId + 1)
  states[endId] = { id: endId, op: 'end' }

  // The entry of a list of steps, given `after`, the state that follows the list. Linked from the last
  // step back, so only nesting (not the length of a protocol) costs stack.
  function linkList(steps: readonly StepNode[], after: number, loops: ReadonlyMap<string, number>): number {
    let next = after
    for (let index = steps.length - 1; index >= 0; index--) next = linkStep(steps[index]!, next, loops)
    return next
  }

  // Links one step whose successor is `next`; returns the state a session enters at this step.
  function linkStep(step: StepNode, next: number, loops: ReadonlyMap<string, number>): number {
    switch (step.op) {
      case 'end':
        return endId
      case 'continue':
        return loops.get(step.name)!
      case 'loop': {
        const head = headOf(step.body)
        linkList(step.body, next, new Map(loops).set(step.name, head))
        return head
      }
      case 'send':
      case 'receive': {
        const id = ids.get(step)!
        const [sender, receiver] = step.op === 'send' ? [initiator, responder] : [responder, initiator]
        states[id] = { id, op: 'message', label: step.label, from: sender, to: receiver, next }
        return id
      }
      case 'inline': {
        const id = ids.get(step)!
        const { name, version } = step.protocol
        states[id] = { id, op: 'inline', label: step.label, protocol: name, version, roles: step.roles, next }
        return id
      }
      case 'choose':
      case 'offer': {
        const id = ids.get(step)!
        const branches: Record<string, number> = {}
        for (const [branch, body] of step.branches) branches[branch] = linkList(body, next, loops)
        states[id] = { id, op: 'choice', label: step.label, by: step.op === 'choose' ? initiator : responder, branches }
        return id
      }
    }
  }

  // The first state of a loop body (validation guarantees the body holds a state-producing step).
  function headOf(body: readonly StepNode[]): number {
    for (const step of body) {
      const id = ids.get(step)
      if (id !== undefined) return id
      if (step.op === 'loop') return headOf(step.body)
    }
    throw new InternalError('loop body without a state; validateDefinition should have rejected it')
  }

  const start = linkList(definition.steps, endId, new Map())
  return { protocol: definition.name, version: definition.version, initiator, responder, start, states }
}

/** `step n of m` numbering used in generated JSDoc and runtime errors. */
export function stepNumber(table: StateTable, id: number): string {
  const total = table.states.length - 1
  return id >= total ? `end (after step ${total})` : `step ${id + 1} of ${total}`
}
