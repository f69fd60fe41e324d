/**
 * The store port's hospital records on both backends (SQLite file, PostgreSQL schema): admissions in order,
 * pruned to a flow's latest, removed with the flow when it ends; held inits kept byte for byte and deleted.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { FlowStore } from '../../runtime/store/flow-store.js'
import { SqliteFlowStore } from '../../runtime/store/sqlite/sqlite-flow-store.js'
import type { AdmissionRow } from '../../runtime/store/store-rows.js'
import { dropSchemas, freshSchema, openPgTestStore, storeClosed } from '../support/test-store.js'

const dir = mkdtempSync(join(tmpdir(), 'colloquy-hospital-records-'))
const schemas: string[] = []
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await dropSchemas(schemas)
})

const backends: { readonly name: string; open(): Promise<FlowStore> }[] = [
  { name: 'sqlite', open: async () => new SqliteFlowStore(join(dir, `h${schemas.length}-${Date.now()}.db`), { durability: 'fast' }) },
  {
    name: 'postgres',
    open: () => {
      const schema = freshSchema('hospital')
      schemas.push(schema)
      return openPgTestStore(schema)
    },
  },
]

function admission(flowId: string, retries: number): AdmissionRow {
  return {
    flow_id: flowId,
    flow_name: 'pay-out',
    at: 1000 + retries,
    error_class: 'Error',
    error_code: retries % 2 === 0 ? null : 'SQLITE_BUSY',
    error_message: `busy ${retries}`,
    error_stack: retries === 0 ? 'Error: busy 0\n    at pay-out.ts:3:9' : null,
    staff: 'transient-error',
    diagnosis: 'a transient fault; retried',
    decision: retries < 3 ? 'retry' : 'observe',
    retries,
    point: 2,
  }
}

describe.each(backends)('hospital records on $name', (backend) => {
  it('keeps admissions in order, only the latest per flow, and removes them with the flow', async () => {
    const store = await backend.open()
    try {
      store.insertFlow('f1', 'pay-out', 'started', null, 1)
      store.insertFlow('f2', 'pay-out', 'started', null, 1)
      for (let retries = 0; retries < 4; retries++) store.putAdmission(admission('f1', retries), 3)
      store.putAdmission(admission('f2', 0), 3)
      await store.commits.commit()
      expect((await store.admissions('f1')).map((row) => row.retries)).toEqual([1, 2, 3])
      expect(await store.admissions('f1')).toContainEqual(admission('f1', 3))
      expect((await store.admissions()).map((row) => `${row.flow_id}:${row.retries}`)).toEqual(['f1:1', 'f1:2', 'f1:3', 'f2:0'])
      store.finishFlow('f1', null, { inbox: false, timers: false, hospital: true })
      await store.commits.commit()
      expect(await store.admissions('f1')).toEqual([])
      expect(await store.admissions('f2')).toEqual([admission('f2', 0)])
    } finally {
      store.close()
      await storeClosed(store)
    }
  })

  it('keeps a held init byte for byte until it is deleted; a second copy is ignored', async () => {
    const store = await backend.open()
    try {
      const envelope = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
      const held = { id: 'Alice:s1/init', sender: 'Alice', protocol: 'Audit', session: 's1', envelope, at: 5, reason: 'no responder for Audit' }
      store.putHeldInit(held)
      store.putHeldInit({ ...held, reason: 'a copy', envelope: Buffer.from('x') })
      await store.commits.commit()
      expect(await store.heldInits()).toEqual([held])
      store.deleteHeldInit(held.id)
      await store.commits.commit()
      expect(await store.heldInits()).toEqual([])
    } finally {
      store.close()
      await storeClosed(store)
    }
  })
})
