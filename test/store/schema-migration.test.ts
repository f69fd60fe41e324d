/** Stores written by an earlier runtime are brought up to date when opened; newer ones are refused clearly. */
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { SCHEMA_VERSION, schemaSql } from '../../runtime/store/sqlite/schema.js'
import { SqliteFlowStore } from '../../runtime/store/sqlite/sqlite-flow-store.js'

const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-schema-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The version 1 layout: sessions had no hash column. */
function versionOneStore(file: string): void {
  const db = new Database(file)
  db.exec(schemaSql.replace(/,\s*hash TEXT[^\n]*\n/, '\n'))
  db.prepare(`INSERT INTO meta (key, value) VALUES ('schema', '1')`).run()
  db.prepare(`INSERT INTO sessions (key, flow_id, peer, protocol, version, status, reason) VALUES ('i:s1', 'f1', 'Bob', 'Demo', 1, 'open', NULL)`).run()
  db.close()
}

it('adds the session hash column to a version 1 store and keeps its rows', async () => {
  const file = path.join(dir, 'v1.db')
  versionOneStore(file)
  const raw = new Database(file)
  expect((raw.prepare(`SELECT * FROM sessions`).get() as Record<string, unknown>).hash).toBeUndefined()
  raw.close()
  const store = new SqliteFlowStore(file)
  try {
    expect(await store.sessionsOf('f1')).toEqual([
      { key: 'i:s1', flow_id: 'f1', peer: 'Bob', protocol: 'Demo', version: 1, status: 'open', reason: null, hash: null },
    ])
    expect((store.db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).get() as { value: string }).value).toBe(String(SCHEMA_VERSION))
  } finally {
    store.close()
  }
})

it('refuses a store written by a newer runtime, saying which', () => {
  const file = path.join(dir, 'future.db')
  new SqliteFlowStore(file).close()
  const db = new Database(file)
  db.prepare(`UPDATE meta SET value = ? WHERE key = 'schema'`).run(String(SCHEMA_VERSION + 1))
  db.close()
  expect(() => new SqliteFlowStore(file)).toThrow(`has schema version ${SCHEMA_VERSION + 1}, newer than this runtime's ${SCHEMA_VERSION}`)
})
