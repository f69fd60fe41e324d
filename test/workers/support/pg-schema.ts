/**
 * A PostgreSQL schema of its own for one test file: `COLLOQUY_TEST_PG` (default the local test database,
 * postgres://postgres@127.0.0.1:5432/test), a fresh schema with a random name, dropped with everything in it
 * by `drop`. Pools opened through `pool()` are closed by `drop` too, before the schema is dropped.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

export const testDatabaseUrl = process.env.COLLOQUY_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface TestSchema {
  readonly name: string
  /** A pool on the test database (closed by `drop`). */
  pool(max?: number): pg.Pool
  /** The store's `flows` table, as far as the worker trigger reads it (id, status). */
  createFlowsTable(): Promise<void>
  drop(): Promise<void>
}

export async function testSchema(): Promise<TestSchema> {
  const name = `t_workers_${randomBytes(6).toString('hex')}`
  const pools: pg.Pool[] = []
  const pool = (max = 4) => {
    const created = new pg.Pool({ connectionString: testDatabaseUrl, max })
    created.on('error', () => undefined) // a connection the server ended (idle-in-transaction timeout in a test)
    pools.push(created)
    return created
  }
  const admin = pool(1)
  await admin.query(`CREATE SCHEMA "${name}"`)
  return {
    name,
    pool,
    async createFlowsTable() {
      await admin.query(`CREATE TABLE "${name}".flows (id text PRIMARY KEY, status text NOT NULL)`)
    },
    async drop() {
      // The test's pools first: work a worker started in the background (a renewal, a takeover) ends with them.
      await Promise.all(pools.filter((p) => p !== admin).map((p) => p.end()))
      await admin.query(`DROP SCHEMA "${name}" CASCADE`)
      await admin.end()
    },
  }
}
