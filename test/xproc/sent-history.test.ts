/**
 * node.json's `"keepSentPayloads": true` reaches the node a `colloquy node` process runs: its flow's `send`
 * entries hold the payload and the branch, after the peer acknowledged them; the peer, without it, journals
 * only label, seq and digest.
 */
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { decode } from '../../runtime/index.js'
import { ProcessCluster } from '../../scripts/lib/process-cluster.js'

const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-sent-history-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function sendEntries(database: string): Record<string, unknown>[] {
  const db = new Database(database, { readonly: true })
  try {
    const rows = db.prepare('SELECT entry FROM journal ORDER BY flow_id, key').all() as { entry: Buffer }[]
    return rows.map((row) => decode<Record<string, unknown>>(row.entry)).filter((entry) => entry.k === 'send')
  } finally {
    db.close()
  }
}

it('a node process with "keepSentPayloads": true journals what it sent; its peer without it does not', async () => {
  const app = 'test/xproc/apps/sent-history.ts'
  const cluster = await ProcessCluster.create(dir, [
    { name: 'Ops', app, start: [{ flow: 'ping-and-wait', id: 'kept', args: { peer: 'Desk' } }], settings: { keepSentPayloads: true } },
    { name: 'Desk', app },
  ])
  try {
    await Promise.all([cluster.start('Ops'), cluster.start('Desk')])
    await cluster.waitFor((node, e) => node.name === 'Ops' && e.event === 'action' && e.action === 'receive', 30_000, true)
    await cluster.stopAll() // clean stops: every commit written
    expect(sendEntries(cluster.node('Ops').database)).toEqual([
      { k: 'send', label: 'next', seq: 0, d: expect.any(Number), b: 'ping' },
      { k: 'send', label: 'ping', seq: 1, d: expect.any(Number), p: { round: 0, text: 'kept' } },
    ])
    expect(sendEntries(cluster.node('Desk').database)).toEqual([{ k: 'send', label: 'echo', seq: 1, d: expect.any(Number) }])
  } finally {
    await cluster.killAll()
  }
}, 90_000)
