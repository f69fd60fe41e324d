/**
 * A PostgreSQL batch's writes grouped into statements over arrays (runtime/store/postgres/pg-batch-plan.ts):
 * writes of one kind share a statement unless that could change what the batch leaves; a write that depends
 * on an earlier one (same scope, another kind or the same row, or a whole-scope delete) comes in a later stage.
 */
import { describe, expect, it } from 'vitest'
import { planBatch } from '../../runtime/store/postgres/pg-batch-plan.js'
import type { PgWrite } from '../../runtime/store/postgres/pg-statements.js'

const w = (kind: string, row: unknown[], scopes: string[], rowKey?: string): PgWrite => ({ kind, text: kind, row, scopes, ...(rowKey ? { rowKey } : {}) })
const shape = (plan: ReturnType<typeof planBatch>) => plan.map((s) => [s.name, s.values[0]])

describe('planning a PostgreSQL batch', () => {
  it('puts writes of one kind on different rows into one statement, one array per column, in queue order', () => {
    const plan = planBatch([
      w('putJournal', ['a', '#0', 'x'], ['journal/a'], '#0'),
      w('putJournal', ['b', '#0', 'y'], ['journal/b'], '#0'),
      w('putJournal', ['a', '#1', 'z'], ['journal/a'], '#1'),
    ])
    expect(plan).toEqual([
      {
        name: 'putJournal',
        text: 'putJournal',
        values: [
          ['a', 'b', 'a'],
          ['#0', '#0', '#1'],
          ['x', 'y', 'z'],
        ],
      },
    ])
  })

  it('keeps a write after an earlier one it depends on: another kind in its scope, the same row again, or a whole-scope delete', () => {
    const plan = planBatch([
      w('putJournal', ['a', '#0', 'x'], ['journal/a'], '#0'),
      w('finish', ['a'], ['journal/a', 'flows/a']),
      w('putJournal', ['a', '#0', 'again'], ['journal/a'], '#0'),
      w('putJournal', ['b', '#0', 'y'], ['journal/b'], '#0'),
      w('setProgress', ['c', '1'], ['flows/c'], 'c'),
      w('setProgress', ['c', '2'], ['flows/c'], 'c'),
    ])
    expect(shape(plan)).toEqual([
      ['putJournal', ['a', 'b']],
      ['setProgress', ['c']],
      ['finish', ['a']],
      ['setProgress', ['c']],
      ['putJournal', ['a']],
    ])
  })

  it('orders a start that takes a client id after the finish that frees it', () => {
    const plan = planBatch([w('finish', ['old'], ['flows/old', 'client/k']), w('insertFlow', ['new'], ['flows/new', 'client/k'], 'new')])
    expect(shape(plan)).toEqual([
      ['finish', ['old']],
      ['insertFlow', ['new']],
    ])
  })
})
