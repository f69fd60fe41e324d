/** The words compatibility findings are written in: steps, roles, fields, values and the remedy. */
import { P, match } from 'ts-pattern'
import type { IRStep, ProtocolIR } from '../../runtime/protocol/ir/protocol-ir.js'
import { END, START, type StateNode, branchOfSlot } from './step-graph.js'

/** Which definition a peer runs: the one recorded when the version was locked, or the one declared now. */
export type Side = 'locked' | 'current'

/** `Demo v1` */
export function versionName(ir: ProtocolIR): string {
  return `${ir.name} v${ir.version}`
}

/** `send amount`, `offer decision`, `inline CollectSignatures v1 as signatures`: as written, from the initiator's side. */
export function stepDescription(step: IRStep, ir: ProtocolIR): string {
  return match(step)
    .with({ op: 'message', from: ir.initiator }, ({ label }) => `send ${label}`)
    .with({ op: 'message' }, ({ label }) => `receive ${label}`)
    .with({ op: 'choice', by: ir.initiator }, ({ label }) => `choose ${label}`)
    .with({ op: 'choice' }, ({ label }) => `offer ${label}`)
    .with({ op: 'inline' }, ({ protocol, version, label }) => `inline ${protocol} v${version} as ${label}`)
    .with({ op: P.union('loop', 'continue') }, ({ op, name }) => `${op} ${name}`)
    .with({ op: 'end' }, () => 'end')
    .exhaustive()
}

/** `step 2 (receive greeting)` */
export function stepName(node: StateNode, ir: ProtocolIR): string {
  return `step ${node.number} (${stepDescription(node.step, ir)})`
}

/**
 * A step present on both sides, named as it is now; when it is numbered or labelled differently in the
 * locked definition, that is said too, so both generated docs can be searched for it.
 */
export function keptStepName(locked: StateNode, current: StateNode, lockedIR: ProtocolIR, currentIR: ProtocolIR): string {
  const now = stepDescription(current.step, currentIR)
  const then = stepDescription(locked.step, lockedIR)
  const numberNote = locked.number !== current.number ? `step ${locked.number}` : ''
  const labelNote = then !== now ? then : ''
  const note = [numberNote, labelNote].filter(Boolean).join(', ')
  return `step ${current.number} (${now}${note ? `; ${note} when locked` : ''})`
}

/** Where an edge goes, as a phrase: `step 3 (send reply)`, `the end of the protocol`. */
export function targetName(target: string, nodes: ReadonlyMap<string, StateNode>, ir: ProtocolIR): string {
  if (target === END) return 'the end of the protocol'
  const node = nodes.get(target)
  return node ? stepName(node, ir) : target
}

/** Where an edge starts, as a phrase: `the start of the protocol`, `step 2 (send a)`, `branch stop of step 3 (choose next)`. */
export function slotName(source: string, slot: string, nodes: ReadonlyMap<string, StateNode>, ir: ProtocolIR): string {
  if (source === START) return 'the start of the protocol'
  const node = nodes.get(source)
  const name = node ? stepName(node, ir) : source
  const branch = branchOfSlot(slot)
  return branch === null ? name : `branch ${branch} of ${name}`
}

export function article(word: string): string {
  return /^[AEIOU]/i.test(word) ? 'an' : 'a'
}

/** `an Alice still on the locked definition`, `a Bob on the current definition` */
export function peer(role: string, side: Side): string {
  return `${article(role)} ${role} ${side === 'locked' ? 'still on the locked definition' : 'on the current definition'}`
}

/** `its payload` for the message itself, `` field `price.amount` `` below it. */
export function fieldPhrase(path: string): string {
  return path === '' ? 'its payload' : `field \`${path}\``
}

export function valuePhrase(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value)
}

/** `a`, `a and b`, `a, b and c` (or `a, b or c`) */
export function listPhrase(items: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`
}

/** The next step for every finding: a new version for the change, the released one kept as it was. */
export function remedyFor(ir: ProtocolIR, nextVersion: number): string {
  return `Bump ${ir.name} to version ${nextVersion} and keep version ${ir.version} declared, as locked, for peers that still run it; or undo the change`
}
