/**
 * node.json's `store` (a SQLite file, or a PostgreSQL database and schema) with `database` kept as the older
 * spelling, and `transport` as a synonym of `network`; each named twice is a config error. A node opened
 * from a PostgreSQL spec runs a flow to its end and leaves nothing in the schema.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createNode, storeClosed } from '../../runtime/create-node.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'
import { readNodeConfig } from '../../runtime/process/node-config.js'
import { eventually } from '../engine/support/cluster.js'
import { answerer, asker } from '../engine/support/rounds-flows.js'
import { dropSchemas, freshSchema, openPgTestStore, pgTestUrl } from '../support/test-store.js'

const dir = mkdtempSync(join(tmpdir(), 'colloquy-config-store-'))
const schemas: string[] = []
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await dropSchemas(schemas)
})

function config(fields: Record<string, unknown>): string {
  const file = join(dir, 'node.json')
  writeFileSync(file, JSON.stringify({ name: 'N', listen: '127.0.0.1:7001', networkMap: 'map.json', app: 'app.js', ...fields }))
  return file
}

describe('node.json store and transport', () => {
  it('reads a SQLite store from `store` or its older spelling `database`, relative to the file', () => {
    expect(readNodeConfig(config({ store: 'n.db' })).store).toBe(join(dir, 'n.db'))
    expect(readNodeConfig(config({ database: 'n.db' }))).toMatchObject({ store: join(dir, 'n.db'), keyFile: join(dir, 'n.db.key') })
  })

  it('reads a PostgreSQL store with its schema (default colloquy) and keeps the key beside the config', () => {
    expect(readNodeConfig(config({ store: { postgres: 'postgres://u@h:5432/db' } }))).toMatchObject({
      store: { postgres: 'postgres://u@h:5432/db', schema: 'colloquy' },
      keyFile: join(dir, 'N.key'),
    })
    expect(readNodeConfig(config({ store: { postgres: 'postgresql://h/db', schema: 'seller' } })).store).toEqual({
      postgres: 'postgresql://h/db',
      schema: 'seller',
    })
    expect(() => readNodeConfig(config({ store: { postgres: 'h:5432' } }))).toThrow(/store\.postgres: must be a URL postgres:\/\//)
  })

  it('refuses a store named twice, or none, saying what to write', () => {
    expect(() => readNodeConfig(config({ store: 'a.db', database: 'b.db' }))).toThrow(
      expect.objectContaining({ name: 'NodeConfigError', message: expect.stringContaining('names its store twice') }),
    )
    expect(() => readNodeConfig(config({}))).toThrow(expect.objectContaining({ name: 'NodeConfigError', message: expect.stringContaining('has no store') }))
  })

  it('takes `transport` as the same as `network`, and refuses both at once', () => {
    expect(readNodeConfig(config({ store: 'n.db', transport: 'tcp' })).network).toEqual({ transport: 'tcp' })
    const nats = readNodeConfig(config({ store: { postgres: 'postgres://h/db' }, transport: { nats: 'nats://127.0.0.1:4222', stream: 'S' } })).network
    expect(nats).toMatchObject({ transport: 'nats', url: 'nats://127.0.0.1:4222', stream: 'S', subjectPrefix: 'colloquy' })
    expect(() => readNodeConfig(config({ store: 'n.db', transport: 'tcp', network: { transport: 'tcp' } }))).toThrow(
      expect.objectContaining({ name: 'NodeConfigError', message: expect.stringContaining('names its transport twice') }),
    )
  })

  it('opens a node on a PostgreSQL spec; a finished flow leaves no rows', async () => {
    const alice = freshSchema('spec_alice')
    const bob = freshSchema('spec_bob')
    schemas.push(alice, bob)
    const net = new InMemoryNetwork()
    const a = await createNode({ name: 'Alice', store: { postgres: pgTestUrl, schema: alice }, durability: 'fast', network: net, flows: [asker] })
    const b = await createNode({ name: 'Bob', store: { postgres: pgTestUrl, schema: bob }, durability: 'fast', network: net, responders: [answerer] })
    expect(await a.startFlow(asker, 1).result).toBe(4 * 2 + 100)
    await eventually(() => a.stats.unacknowledged === 0 && b.stats.unacknowledged === 0)
    await a.stop()
    await b.stop()
    for (const schema of [alice, bob]) {
      const store = await openPgTestStore(schema)
      expect(await store.counts()).toMatchObject({ flows: 0, journal: 0, sessions: 0, inbox: 0, outbox: 0, timers: 0 })
      store.close()
      await storeClosed(store)
    }
  })
})
