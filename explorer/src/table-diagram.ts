/**
 * A protocol version drawn as a Mermaid sequence diagram from its state table (runtime/protocol/ir/
 * state-table.ts), the same steps `colloquy generate` draws into generated/<protocol>.md: messages as
 * arrows, choices as alternatives, a step reached again as "back to" (a loop), inlined sub-protocols and
 * the end as notes.
 */

interface State {
  readonly id: number
  readonly op: 'message' | 'choice' | 'inline' | 'end'
  readonly label?: string
  readonly from?: string
  readonly to?: string
  readonly by?: string
  readonly next?: number
  readonly branches?: Readonly<Record<string, number>>
  readonly protocol?: string
  readonly version?: number
}

export interface StateTableView {
  readonly initiator: string
  readonly responder: string
  readonly start: number
  readonly states: readonly State[]
}

const safe = (text: string) => text.replace(/[^\w .:-]/g, '_')

export function tableDiagram(table: StateTableView): string {
  const a = safe(table.initiator)
  const b = safe(table.responder)
  const lines = ['sequenceDiagram', `  participant ${a}`, `  participant ${b}`]
  const other = (role: string) => (safe(role) === a ? b : a)
  const walk = (id: number | undefined, indent: string, path: ReadonlySet<number>): void => {
    while (id !== undefined) {
      const state = table.states[id]
      if (!state) return
      if (path.has(id)) {
        lines.push(`${indent}Note over ${a},${b}: back to ${safe(state.label ?? `step ${id}`)}`)
        return
      }
      const seen = new Set(path).add(id)
      switch (state.op) {
        case 'message':
          lines.push(`${indent}${safe(state.from!)}->>${safe(state.to!)}: ${safe(state.label!)}`)
          id = state.next
          path = seen
          break
        case 'choice': {
          const branches = Object.entries(state.branches ?? {})
          branches.forEach(([branch, next], i) => {
            lines.push(`${indent}${i === 0 ? 'alt' : 'else'} ${safe(state.by!)} chooses ${safe(state.label!)} = ${safe(branch)}`)
            lines.push(`${indent}  ${safe(state.by!)}->>${other(state.by!)}: ${safe(state.label!)}: ${safe(branch)}`)
            walk(next, `${indent}  `, seen)
          })
          lines.push(`${indent}end`)
          return
        }
        case 'inline':
          lines.push(`${indent}Note over ${a},${b}: ${safe(state.label!)}: ${safe(state.protocol!)} v${state.version}`)
          id = state.next
          path = seen
          break
        case 'end':
          lines.push(`${indent}Note over ${a},${b}: end`)
          return
      }
    }
  }
  walk(table.start, '  ', new Set())
  return lines.join('\n')
}
