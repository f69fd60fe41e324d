/**
 * Schema 5 -> 6: a store written before the flow hospital gains the `hospital` and `held_inits` tables and
 * keeps its rows; admissions are pruned to the latest N per flow and go with the flow when it finishes.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, expect, it } from 'vitest'
import type { AdmissionRow } from '../../runtime/store/index.js'
import { SCHEMA_VERSION, schemaSql } from '../../runtime/store/sqlite/schema.js'
import { SqliteFlowStore } from '../../runtime/store/sqlite/sqlite-flow-store.js'

const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-hospital-migration-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The version 5 layout: today's tables without the hospital's. */
function versionFiveStore(file: string): void {
  const db = new Database(file)
  db.exec(schemaSql)
  db.exec('DROP TABLE hospital; DROP TABLE held_inits;')
  db.prepare(`INSERT INTO meta (key, value) VALUES ('schema', '5')`).run()
  db.prepare(`INSERT INTO flows (id, name, kind, args, status, started_at) VALUES ('f1', 'pay', 'started', NULL, 'running', 7)`).run()
  db.close()
}

function admission(retries: number): AdmissionRow {
  return {
    flow_id: 'f1',
    flow_name: 'pay',
    at: 100 + retries,
    error_class: 'Error',
    error_code: 'SQLITE_BUSY',
    error_message: 'database is locked',
    error_stack: null,
    staff: 'transient-error',
    diagnosis: 'a transient fault',
    decision: 'retry',
    retries,
    point: 2,
  }
}

it('adds the hospital tables, keeps the rows, prunes admissions and removes them with the flow', async () => {
  const file = path.join(dir, 'v5.db')
  versionFiveStore(file)
  const store = new SqliteFlowStore(file)
  try {
    expect(SCHEMA_VERSION).toBe(6)
    expect(store.db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).pluck().get()).toBe('6')
    expect((await store.runningFlows()).map((f) => f.id)).toEqual(['f1'])
    for (let retries = 0; retries < 5; retries++) store.putAdmission(admission(retries), 3)
    store.putHeldInit({ id: 'Bob:m1', sender: 'Bob', protocol: 'Ask', session: 's1', envelope: Buffer.from([1, 2]), at: 5, reason: 'no responder' })
    await store.commits.commit()
    expect((await store.admissions('f1')).map((a) => a.retries)).toEqual([2, 3, 4])
    expect(await store.admissions()).toEqual([admission(2), admission(3), admission(4)])
    expect(await store.heldInits()).toEqual([
      { id: 'Bob:m1', sender: 'Bob', protocol: 'Ask', session: 's1', envelope: Buffer.from([1, 2]), at: 5, reason: 'no responder' },
    ])
    store.finishFlow('f1', null, { inbox: false, timers: false, hospital: true })
    store.deleteHeldInit('Bob:m1')
    await store.commits.commit()
    expect(await store.admissions()).toEqual([])
    expect(await store.heldInits()).toEqual([])
  } finally {
    store.close()
  }
})
