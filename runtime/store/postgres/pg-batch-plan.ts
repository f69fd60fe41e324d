/**
 * How a batch's writes become few statements: writes of one kind become one statement over arrays
 * (pg-statements.ts), as long as that cannot change what the batch leaves. Each write goes into the earliest
 * stage after every earlier write it depends on; within a stage each kind is one statement.
 *
 * Two writes depend on each other when they share a scope (the rows one of them may touch: `journal/<flow>`)
 * and are of different kinds, or of one kind on the same row, or either touches the whole scope (a finished
 * flow's deletes). Writes that share no scope touch different rows: they commute, so their order does not
 * matter. Writes of one kind on different rows of a scope go into one statement in queue order (an outbox's
 * rows keep their order within a session). So the batch leaves what running its writes one by one leaves.
 */
import type { PgWrite } from './pg-statements.js'

export interface PlannedStatement {
  readonly name: string
  readonly text: string
  /** One array per column. */
  readonly values: unknown[][]
}

interface ScopeState {
  /** The latest stage holding a write of this scope. */
  stage: number
  /** Whether that stage's writes in this scope are all of `kind`, each on a row of `keys` (then another row of that kind may join). */
  kind: string | undefined
  keys: Set<string>
}

export function planBatch(writes: readonly PgWrite[]): PlannedStatement[] {
  const scopes = new Map<string, ScopeState>()
  const stages: Map<string, PgWrite[]>[] = []
  for (const write of writes) {
    let stage = 0
    for (const scope of write.scopes) {
      const state = scopes.get(scope)
      if (state === undefined) continue
      const joins = write.rowKey !== undefined && state.kind === write.kind && !state.keys.has(write.rowKey)
      stage = Math.max(stage, joins ? state.stage : state.stage + 1)
    }
    for (const scope of write.scopes) {
      const state = scopes.get(scope)
      if (state === undefined || stage > state.stage) {
        scopes.set(scope, { stage, kind: write.rowKey === undefined ? undefined : write.kind, keys: new Set(write.rowKey === undefined ? [] : [write.rowKey]) })
      } else if (state.kind === write.kind && write.rowKey !== undefined) {
        state.keys.add(write.rowKey)
      } else {
        state.kind = undefined
      }
    }
    const groups = (stages[stage] ??= new Map())
    const group = groups.get(write.kind)
    if (group) group.push(write)
    else groups.set(write.kind, [write])
  }
  return stages.flatMap((groups) =>
    [...groups.values()].map((group) => {
      const first = group[0]!
      const values = first.row.map((_, column) => group.map((write) => write.row[column]))
      return { name: first.kind, text: first.text, values }
    }),
  )
}
