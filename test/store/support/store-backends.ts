/**
 * The two store backends the store port's contract tests run on (a SQLite file, a PostgreSQL schema), each
 * store fresh and removed after the file's tests, and `withStore`, which opens one, can reopen it, and
 * closes it whatever the test did.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import type { FlowStore } from '../../../runtime/store/flow-store.js'
import { SqliteFlowStore } from '../../../runtime/store/sqlite/sqlite-flow-store.js'
import { dropSchemas, freshSchema, openPgTestStore, storeClosed } from '../../support/test-store.js'

export interface Backend {
  readonly name: 'sqlite' | 'postgres'
  /** A new, empty store; `open(id)` again opens the same one. */
  fresh(): string
  open(id: string): Promise<FlowStore>
}

const dir = mkdtempSync(join(tmpdir(), 'colloquy-conformance-'))
const schemas: string[] = []
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await dropSchemas(schemas)
})
let files = 0

export const backends: Backend[] = [
  { name: 'sqlite', fresh: () => join(dir, `s${++files}.db`), open: async (id) => new SqliteFlowStore(id, { durability: 'fast' }) },
  {
    name: 'postgres',
    fresh: () => {
      const schema = freshSchema('conformance')
      schemas.push(schema)
      return schema
    },
    open: (id) => openPgTestStore(id),
  },
]

/** Every byte value, so a backend that transcodes bytes fails. */
export const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i))

export async function withStore(backend: Backend, body: (store: FlowStore, reopen: () => Promise<FlowStore>) => Promise<void>): Promise<void> {
  const id = backend.fresh()
  let store = await backend.open(id)
  const reopen = async () => {
    store.close()
    await storeClosed(store)
    store = await backend.open(id)
    return store
  }
  try {
    await body(store, reopen)
  } finally {
    store.close()
    await storeClosed(store)
  }
}
