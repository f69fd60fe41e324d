/**
 * Which store backend a test run uses, and throw-away PostgreSQL schemas for tests. `COLLOQUY_TEST_STORE`
 * is `sqlite` (default) or `postgres`; the vitest project `engine-pg` sets `postgres` (vitest.config.ts).
 * PostgreSQL tests connect to `COLLOQUY_TEST_PG_URL` (default the local `test` database, trust auth) and
 * each works in schemas of its own (`freshSchema`), dropped afterwards (`dropSchemas`).
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { FlowStore } from '../../runtime/store/flow-store.js'
import { PgFlowStore } from '../../runtime/store/postgres/index.js'

export type TestStoreBackend = 'sqlite' | 'postgres'

export const testStoreBackend: TestStoreBackend = process.env.COLLOQUY_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite'

export const pgTestUrl = process.env.COLLOQUY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A schema name no other test uses: `t_<label>_<random>`, lower case (unquoted PostgreSQL identifiers fold to it). */
export function freshSchema(label: string): string {
  return `t_${label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30)}_${randomBytes(5).toString('hex')}`
}

/** Drops the schemas and everything in them. */
export async function dropSchemas(schemas: Iterable<string>): Promise<void> {
  const names = [...schemas]
  if (names.length === 0) return
  const client = new pg.Client({ connectionString: pgTestUrl })
  await client.connect()
  try {
    for (const name of names) await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(name)} CASCADE`)
  } finally {
    await client.end()
  }
}

/** The PostgreSQL stores this process opened and has not closed: `commitsSettled` waits for them. */
const openStores = new Set<PgFlowStore>()

/** Opens a PostgreSQL store on the test database (durability 'fast': tests crash processes, not the database server). */
export async function openPgTestStore(schema: string, options: { durability?: 'full' | 'fast' } = {}): Promise<PgFlowStore> {
  const store = await PgFlowStore.open({ url: pgTestUrl, schema, durability: options.durability ?? 'fast' })
  openStores.add(store)
  void store.closed.then(() => openStores.delete(store))
  return store
}

/**
 * Resolves once no PostgreSQL store of this process has a commit queued or in flight. Tests that move the
 * event loop turn by turn (a SQLite commit happens within the turn after its writes) wait for them with it.
 */
export async function commitsSettled(): Promise<void> {
  await Promise.all([...openStores].map((store) => store.commits.settled()))
}

/** Waits until a store is fully closed (PostgreSQL closes its connections after the last commit; SQLite at once). */
export async function storeClosed(store: FlowStore): Promise<void> {
  if (store instanceof PgFlowStore) await store.closed
}
