/**
 * Answered inits are remembered as `<sender>:<message id>`. A store written before that remembers bare
 * message ids; opened now, those rows become `:<message id>` (sender unknown) and still stop a late copy of
 * the init they stand for, from whichever party, until the dedup window ends. New rows match their sender only.
 */
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { SCHEMA_VERSION, schemaSql } from '../../runtime/store/sqlite/schema.js'
import { SqliteFlowStore } from '../../runtime/store/sqlite/sqlite-flow-store.js'

const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-processed-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('keeps the inits a version 3 store answered, by message id, and new ones by sender and id', async () => {
  const file = path.join(dir, 'v3.db')
  const db = new Database(file)
  db.exec(schemaSql)
  db.prepare(`INSERT INTO meta (key, value) VALUES ('schema', '3')`).run()
  db.prepare(`INSERT INTO processed (id, at) VALUES ('trade-1/0/init', 5)`).run()
  db.close()

  const store = new SqliteFlowStore(file)
  try {
    expect(SCHEMA_VERSION).toBe(6)
    expect(store.db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).pluck().get()).toBe('6')
    expect(store.db.prepare(`SELECT id, at FROM processed`).all()).toEqual([{ id: ':trade-1/0/init', at: 5 }])
    expect(store.initAnswered('Alice:trade-1/0/init', 'r:Alice:trade-1/0')).toBe(true)
    expect(await store.isProcessed('Alice:trade-1/0/init')).toBe(true)
    expect(store.initAnswered('Alice:trade-2/0/init', 'r:Alice:trade-2/0')).toBe(false)

    store.putProcessed('Mallory:f7/init', 9)
    await store.commits.commit()
    expect(store.initAnswered('Mallory:f7/init', 'r:Mallory:f7')).toBe(true)
    expect(store.initAnswered('Alice:f7/init', 'r:Alice:f7')).toBe(false)
    expect(await store.isProcessed('Alice:f7/init')).toBe(false)
  } finally {
    store.close()
  }
})

it('a new store has no rows of unknown sender to look for', async () => {
  const store = new SqliteFlowStore(path.join(dir, 'new.db'))
  try {
    store.putProcessed('Mallory:f7/init', 9)
    await store.commits.commit()
    expect(store.initAnswered('Alice:f7/init', 'r:Alice:f7')).toBe(false)
    expect(store.initAnswered('Mallory:f7/init', 'r:Mallory:f7')).toBe(true)
  } finally {
    store.close()
  }
})
