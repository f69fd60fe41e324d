/**
 * Schema 4 -> 5: a store written before client ids, progress and signals gains the flows columns
 * client_id, owner, progress and waiting, the unique (owner, client id) index and the signals table, and
 * keeps its rows.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, expect, it } from 'vitest'
import { SCHEMA_VERSION, schemaSql } from '../../runtime/store/sqlite/schema.js'
import { SqliteFlowStore } from '../../runtime/store/sqlite/sqlite-flow-store.js'

const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-operability-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The version 4 layout: today's tables without what version 5 added. */
function versionFourStore(file: string): void {
  const db = new Database(file)
  db.exec(schemaSql)
  db.exec(`DROP INDEX flows_by_client; DROP TABLE signals;
ALTER TABLE flows DROP COLUMN client_id; ALTER TABLE flows DROP COLUMN owner; ALTER TABLE flows DROP COLUMN progress;
ALTER TABLE flows DROP COLUMN waiting;`)
  db.prepare(`INSERT INTO meta (key, value) VALUES ('schema', '4')`).run()
  db.prepare(`INSERT INTO flows (id, name, kind, args, status, outcome, started_at) VALUES ('f1', 'pay', 'started', NULL, 'done', '{"v":1}', 7)`).run()
  db.close()
}

it('adds the client id, owner, progress and waiting columns and the signals table, keeping the rows', async () => {
  const file = path.join(dir, 'v4.db')
  versionFourStore(file)
  const store = new SqliteFlowStore(file)
  try {
    expect(SCHEMA_VERSION).toBe(6)
    expect(store.db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).pluck().get()).toBe('6')
    expect(store.db.prepare(`SELECT id, status, client_id, owner, progress, waiting FROM flows`).all()).toEqual([
      { id: 'f1', status: 'done', client_id: null, owner: null, progress: null, waiting: null },
    ])
    store.insertFlow('f2', 'pay', 'started', null, 8, { owner: 'ann', clientId: 'c1' })
    store.putSignal('f2', 'approval', Buffer.from([1]), 9)
    store.setProgress('f2', '["Signing"]')
    store.setWaiting('f2', '[{"kind":"timer","until":1}]')
    await store.commits.commit()
    expect(store.clientFlow({ owner: 'ann', clientId: 'c1' })).toMatchObject({ id: 'f2', client_id: 'c1', owner: 'ann' })
    expect(store.clientFlow({ owner: 'bob', clientId: 'c1' })).toBeNull()
    expect(await store.flowStatus('f2')).toMatchObject({ clientId: 'c1', owner: 'ann', progress: ['Signing'] })
    expect((await store.signalsOf('f2')).map((s) => s.name)).toEqual(['approval'])
    expect(await store.waitingOf('f2')).toBe('[{"kind":"timer","until":1}]')
    // One client id per owner: a second flow with it is refused by the index.
    expect(() =>
      store.db
        .prepare(`INSERT INTO flows (id, name, kind, status, started_at, client_id, owner) VALUES ('f3', 'pay', 'started', 'running', 9, 'c1', 'ann')`)
        .run(),
    ).toThrow(/UNIQUE constraint failed/)
  } finally {
    store.close()
  }
})
