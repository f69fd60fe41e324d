/**
 * A `colloquy node` process whose flow fails on every replay (its code changed while it was in flight) keeps
 * running: the flow is kept in the hospital (recorded, status running), the other flow completes, and the
 * process neither exits nor restarts in a loop; started again, it keeps the flow kept once more.
 */
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ProcessCluster } from '../../scripts/lib/process-cluster.js'

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function admissions(database: string): { decision: string; error_code: string }[] {
  const db = new Database(database, { readonly: true })
  try {
    return db.prepare(`SELECT decision, error_code FROM hospital WHERE flow_id = 'in-flight' ORDER BY id`).all() as { decision: string; error_code: string }[]
  } finally {
    db.close()
  }
}

describe('colloquy node: the hospital', () => {
  it('a flow failing on every replay is kept, the other flow completes, and the process keeps running', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-hospital-'))
    dirs.push(dir)
    const cluster = await ProcessCluster.create(dir, [
      {
        name: 'Solo',
        app: 'test/xproc/apps/replay-original.ts',
        start: [
          { flow: 'reserve', id: 'in-flight' },
          { flow: 'fine', id: 'other' },
        ],
      },
    ])
    try {
      await cluster.start('Solo')
      await new Promise((resolve) => setTimeout(resolve, 500)) // both journaled up to their sleep
      await cluster.stop('Solo')
      cluster.setApp('Solo', 'test/xproc/apps/replay-changed.ts')
      await cluster.start('Solo')
      const other = await cluster.waitFor((_node, e) => e.event === 'flow-end' && e.flowId === 'other', 30_000, true)
      expect(other).toMatchObject({ ok: true, result: 'fine' })
      const node = cluster.node('Solo')
      for (let i = 0; i < 100 && admissions(node.database).length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(admissions(node.database)).toEqual([
        { decision: 'retry', error_code: 'NON_DETERMINISM' },
        { decision: 'observe', error_code: 'NON_DETERMINISM' },
      ])
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(node.process!.exitCode).toBeNull()
      expect(node.events.filter((e) => e.event === 'ready')).toHaveLength(2)
      expect(node.events.some((e) => e.event === 'flow-end' && e.flowId === 'in-flight')).toBe(false)
      // Started again, it replays the kept flow once (it deviates again: kept, one more record) and serves on.
      await cluster.stop('Solo')
      await cluster.start('Solo')
      for (let i = 0; i < 100 && admissions(node.database).length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 50))
      expect(admissions(node.database).map((a) => a.decision)).toEqual(['retry', 'observe', 'observe'])
      expect(cluster.node('Solo').process!.exitCode).toBeNull()
      await cluster.stop('Solo')
    } finally {
      await cluster.killAll()
    }
  }, 90_000)
})
