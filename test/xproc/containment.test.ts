/**
 * A fault inside the engine does not end a `colloquy node` process: a flow whose result cannot be stored
 * fails alone (flow-end with its error), the node finishes its other flow and keeps running, and it starts
 * again without replaying the failed flow.
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

describe('colloquy node: containment', () => {
  it('a flow whose result cannot be stored fails alone, and the process keeps serving and starts again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-contain-'))
    dirs.push(dir)
    const cluster = await ProcessCluster.create(dir, [
      {
        name: 'Solo',
        app: 'test/xproc/apps/unstorable-result.ts',
        start: [
          { flow: 'unstorable', id: 'bad' },
          { flow: 'fine', id: 'good' },
        ],
      },
    ])
    try {
      await cluster.start('Solo')
      const ended = (id: string) => cluster.waitFor((_node, e) => e.event === 'flow-end' && e.flowId === id, 30_000, true)
      const [bad, good] = await Promise.all([ended('bad'), ended('good')])
      expect(bad).toMatchObject({ ok: false, error: expect.stringContaining('the total is unreadable') })
      expect(good).toMatchObject({ ok: true, result: 'fine' })
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(cluster.node('Solo').process!.exitCode).toBeNull()
      const db = new Database(cluster.node('Solo').database, { readonly: true })
      try {
        expect(db.prepare(`SELECT status FROM flows WHERE id = 'bad'`).get()).toEqual({ status: 'failed' })
      } finally {
        db.close()
      }
      await cluster.stop('Solo')
      await cluster.start('Solo')
      expect(
        cluster
          .node('Solo')
          .events.filter((e) => e.event === 'ready')
          .at(-1),
      ).toMatchObject({ resumed: 0 })
      await cluster.stop('Solo')
    } finally {
      await cluster.killAll()
    }
  }, 60_000)
})
