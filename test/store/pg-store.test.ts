/**
 * What only the PostgreSQL store has: its open against a database it cannot reach, the schema created once
 * when several open it at once, a newer schema refused, the worker seams (`fence`, `exclusive: false`),
 * and a commit whose connection was killed, retried and committed once.
 */
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import type { CommitFailure } from '../../runtime/store/flow-store.js'
import { PgFlowStore } from '../../runtime/store/postgres/index.js'
import { StoreSchemaNewerError, StoreUnavailableError } from '../../runtime/store/store-errors.js'
import { dropSchemas, freshSchema, pgTestUrl } from '../support/test-store.js'

const schemas: string[] = []
afterAll(() => dropSchemas(schemas))

function schema(label: string): string {
  const name = freshSchema(label)
  schemas.push(name)
  return name
}

async function sql<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: pgTestUrl })
  await client.connect()
  try {
    return (await client.query<R>(text, params)).rows
  } finally {
    await client.end()
  }
}

async function closeAll(...stores: PgFlowStore[]): Promise<void> {
  for (const store of stores) store.close()
  await Promise.all(stores.map((store) => store.closed))
}

describe('the PostgreSQL store', () => {
  it('refuses to open on a database it cannot reach, naming the URL without its password and what to do', async () => {
    const error = await PgFlowStore.open({ url: 'postgres://colloquy:s3cret@127.0.0.1:1/nowhere', schema: 'x' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreUnavailableError)
    expect((error as Error).message).toContain('postgres://colloquy:***@127.0.0.1:1/nowhere')
    expect((error as Error).message).not.toContain('s3cret')
    expect((error as Error).message).toMatch(/ECONNREFUSED.*Start the database server, or correct the store URL/)
  })

  it('creates its schema once when several open it at the same moment', async () => {
    const name = schema('migrate')
    const stores = await Promise.all(
      Array.from({ length: 4 }, (_, i) => PgFlowStore.open({ url: pgTestUrl, schema: name, exclusive: false, writerId: `w${i}` })),
    )
    expect(await sql(`SELECT value FROM ${name}.meta`)).toEqual([{ value: '1' }])
    await closeAll(...stores)
  })

  it('refuses a schema written by a newer runtime', async () => {
    const name = schema('newer')
    await closeAll(await PgFlowStore.open({ url: pgTestUrl, schema: name }))
    await sql(`UPDATE ${name}.meta SET value = '99' WHERE key = 'schema'`)
    const error = await PgFlowStore.open({ url: pgTestUrl, schema: name }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StoreSchemaNewerError)
    expect((error as Error).message).toContain('schema version 99, newer than')
  })

  it('runs the fence first inside every commit; a refusal stops the store taking writes', async () => {
    const name = schema('fence')
    let allow = true
    const seen: string[] = []
    const store = await PgFlowStore.open({
      url: pgTestUrl,
      schema: name,
      exclusive: false,
      writerId: 'worker-1',
      fence: async (tx) => {
        seen.push((await tx.query<{ state: string }>('SELECT current_setting($1) AS state', ['transaction_isolation'])).rows[0]!.state)
        const inTransaction = await tx.query<{ now: Date; stamp: Date }>('SELECT now(), statement_timestamp() AS stamp')
        expect(inTransaction.rows).toHaveLength(1)
        if (!allow) throw Object.assign(new Error('lease lost'), { code: '40001' }) // even a retryable code is final from a fence
      },
    })
    const failures: CommitFailure[] = []
    store.onCommitFailure({ failed: (f) => failures.push(f), recovered: () => {} })
    store.insertFlow('f1', 'n', 'started', null, 1)
    await store.commits.commit()
    expect(seen).toHaveLength(1)
    allow = false
    store.insertFlow('f2', 'n', 'started', null, 2)
    await expect(store.commits.commit()).rejects.toThrow('lease lost')
    expect(failures).toEqual([expect.objectContaining({ attempts: 1, retryInMs: undefined })])
    store.insertFlow('f3', 'n', 'started', null, 3)
    expect((await store.runningFlows()).map((f) => f.id)).toEqual(['f1'])
    await closeAll(store)
  })

  it("lets workers share a node's schema with exclusive: false", async () => {
    const name = schema('shared')
    const a = await PgFlowStore.open({ url: pgTestUrl, schema: name, exclusive: false, writerId: 'a' })
    const b = await PgFlowStore.open({ url: pgTestUrl, schema: name, exclusive: false, writerId: 'b' })
    a.insertFlow('from-a', 'n', 'started', null, 1)
    b.insertFlow('from-b', 'n', 'started', null, 2)
    await Promise.all([a.commits.commit(), b.commits.commit()])
    expect((await a.runningFlows()).map((f) => f.id)).toEqual(['from-a', 'from-b'])
    await closeAll(a, b)
  })

  it('retries a commit whose connection was killed, reports the fault and the recovery, and commits it once', async () => {
    const name = schema('retry')
    const store = await PgFlowStore.open({ url: pgTestUrl, schema: name, commitRetry: { firstMs: 5, maxMs: 20 } })
    const failures: CommitFailure[] = []
    let recovered = 0
    store.onCommitFailure({ failed: (f) => failures.push(f), recovered: (attempts) => (recovered = attempts) })
    const terminateWriter = () =>
      sql(`SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.objid = hashtext($1)::oid AND l.objsubid = 2`, [name])
    store.insertFlow('before', 'n', 'started', null, 1)
    await store.commits.commit()
    // An idle writer connection ended by the server (a restart, a failover): the next commit reconnects.
    await terminateWriter()
    await new Promise((resolve) => setTimeout(resolve, 50))
    store.insertFlow('idle', 'n', 'started', null, 2)
    await store.commits.commit()
    // Now during a commit: another session holds the writer's mark row, so the commit waits; its session is ended meanwhile.
    const blocker = new pg.Client({ connectionString: pgTestUrl })
    await blocker.connect()
    await blocker.query(`BEGIN; SELECT * FROM ${name}.writers FOR UPDATE`)
    store.insertFlow('during', 'n', 'started', null, 3)
    const committed = store.commits.commit()
    await new Promise((resolve) => setTimeout(resolve, 100))
    await terminateWriter()
    await new Promise((resolve) => setTimeout(resolve, 50))
    await blocker.query('COMMIT')
    await blocker.end()
    await committed
    expect(failures.length).toBeGreaterThanOrEqual(1)
    expect(failures[0]!.retryInMs).toBe(5)
    expect(recovered).toBe(failures.length)
    expect((await store.runningFlows()).map((f) => f.id)).toEqual(['before', 'idle', 'during'])
    await closeAll(store)
  })
})
