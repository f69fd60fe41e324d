/**
 * Stores of schema 2 kept outcomes as V8 serializer bytes. Opening one converts them to versioned JSON
 * text, and the errors they held come back as their classes where the old rows allow: by the stable name
 * the schema 2 runtime kept (FlowKilledError, ...), a FlowException with its type and details, anything
 * else as RecordedError. The golden store (test/store/golden) is such a store.
 */
import Database from 'better-sqlite3'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { serialize } from 'node:v8'
import { afterAll, afterEach, expect, it } from 'vitest'
import { createNode } from '../../runtime/create-node.js'
import { FlowKilledError, type Node, RecordedError, UnexpectedFlowEndError } from '../../runtime/index.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'
import { FlowException } from '../../runtime/protocol/session/index.js'
import { SCHEMA_VERSION, schemaSql } from '../../runtime/store/sqlite/schema.js'
import { SqliteFlowStore } from '../../runtime/store/sqlite/sqlite-flow-store.js'
import { aliceFlows, echoResponder, failureMessage, golden } from './golden/golden-flows.js'

const goldenDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden')
const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-outcomes-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const silent = { info() {}, warn() {}, error() {} }
const nodes: Node[] = []
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.stop()
})

/** A schema 2 store holding one kept outcome per row of `outcomes`, each as the V8 bytes schema 2 wrote. */
function schemaTwoStore(file: string, outcomes: Record<string, unknown>): void {
  const db = new Database(file)
  db.exec(schemaSql)
  db.prepare(`INSERT INTO meta (key, value) VALUES ('schema', '2')`).run()
  const insert = db.prepare(`INSERT INTO flows (id, name, kind, args, status, outcome, started_at) VALUES (?, 'old', 'started', NULL, ?, ?, 1)`)
  for (const [id, outcome] of Object.entries(outcomes)) insert.run(id, (outcome as { ok: boolean }).ok ? 'done' : 'failed', serialize(outcome))
  db.close()
}

function outcomes(file: string): Record<string, { type: string; json: unknown }> {
  const db = new Database(file, { readonly: true })
  try {
    const rows = db.prepare(`SELECT id, typeof(outcome) AS type, outcome FROM flows WHERE outcome IS NOT NULL`).all() as {
      id: string
      type: string
      outcome: string
    }[]
    return Object.fromEntries(rows.map((r) => [r.id, { type: r.type, json: r.type === 'text' ? JSON.parse(r.outcome) : null }]))
  } finally {
    db.close()
  }
}

it('converts the V8 outcomes of a schema 2 store to versioned JSON text, and they read back as their classes', async () => {
  const file = path.join(dir, 'v2.db')
  const at = new Date(Date.UTC(2025, 5, 1))
  const cycle: { self?: unknown } = {}
  cycle.self = cycle
  schemaTwoStore(file, {
    value: { ok: true, value: { total: 10n, at, lots: new Map([['a', 1n]]) } },
    killed: { ok: false, error: { name: 'FlowKilledError', message: 'The flow killed (old) was killed on Alice.' } },
    ended: { ok: false, error: { name: 'UnexpectedFlowEndError', message: 'Bob ended early.' } },
    declared: { ok: false, error: { name: 'FlowException', message: 'Bob refuses', errorType: 'Refused', details: { why: 'too small', n: 3n } } },
    plain: { ok: false, error: { name: 'RangeError', message: 'out of range' } },
    cyclic: { ok: true, value: cycle },
  })
  new SqliteFlowStore(file).close()
  const converted = outcomes(file)
  for (const row of Object.values(converted)) expect(row.type).toBe('text')
  expect(converted.value!.json).toEqual({
    v: 1,
    ok: true,
    value: { total: { $bigint: '10' }, at: { $date: at.toISOString() }, lots: { $map: [['a', { $bigint: '1' }]] } },
  })
  expect(converted.killed!.json).toEqual({
    v: 1,
    ok: false,
    error: { code: 'FLOW_KILLED', name: 'FlowKilledError', message: 'The flow killed (old) was killed on Alice.' },
  })
  expect(converted.plain!.json).toEqual({ v: 1, ok: false, error: { name: 'RangeError', message: 'out of range' } })
  const db = new Database(file, { readonly: true })
  expect(db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).pluck().get()).toBe(String(SCHEMA_VERSION))
  db.close()

  const node = await createNode({ name: 'Alice', store: file, network: new InMemoryNetwork(), logger: silent, keepFinishedFlows: true })
  nodes.push(node)
  await expect(node.resultOf('value')).resolves.toEqual({ total: 10n, at, lots: new Map([['a', 1n]]) })
  await expect(node.resultOf('killed')).rejects.toBeInstanceOf(FlowKilledError)
  await expect(node.resultOf('ended')).rejects.toBeInstanceOf(UnexpectedFlowEndError)
  const declared = await node.resultOf('declared').catch((e: unknown) => e)
  expect(declared).toBeInstanceOf(FlowException)
  expect(declared).toMatchObject({ errorType: 'Refused', details: { why: 'too small', n: 3n }, message: 'Bob refuses' })
  const plain = await node.resultOf('plain').catch((e: unknown) => e)
  expect(plain).toBeInstanceOf(RecordedError)
  expect(plain).toMatchObject({ name: 'RangeError', message: 'out of range' })
  // V8 kept a cycle, JSON cannot: the row says so and counts as failed.
  expect(await node.flowStatus('cyclic')).toMatchObject({ status: 'failed' })
  await expect(node.resultOf('cyclic')).rejects.toThrow(
    /^The flow's kept result could not be converted to JSON when its store was upgraded \(Converting circular structure to JSON\)\.$/,
  )
  await expect(node.removeOutcome('killed')).resolves.toBe(true)
})

it('opens the golden store: its kept outcomes become JSON text and read back', async () => {
  const store = (party: string) => path.join(dir, `golden-${party.toLowerCase()}.sqlite`)
  for (const party of [golden.alice, golden.bob]) copyFileSync(path.join(goldenDir, `${party.toLowerCase()}.sqlite`), store(party))
  const network = new InMemoryNetwork()
  const alice = await createNode({ name: golden.alice, store: store(golden.alice), network, flows: aliceFlows, keepFinishedFlows: true, logger: silent })
  nodes.push(alice)
  const bob = await createNode({ name: golden.bob, store: store(golden.bob), network, responders: [echoResponder], keepFinishedFlows: true, logger: silent })
  nodes.push(bob)
  expect(await alice.resultOf(golden.finishedId)).toEqual({ rounds: 2, last: 'finished-1' })
  const failed = await alice.resultOf(golden.failedId).catch((e: unknown) => e)
  expect(failed).toBeInstanceOf(RecordedError)
  expect(failed).toMatchObject({ name: 'Error', message: failureMessage })
  await alice.resultOf(golden.suspendedId)
  for (const node of nodes.splice(0)) await node.stop()

  const kept = outcomes(store(golden.alice))
  expect(kept[golden.finishedId]).toEqual({ type: 'text', json: { v: 1, ok: true, value: { rounds: 2, last: 'finished-1' } } })
  expect(kept[golden.failedId]).toEqual({ type: 'text', json: { v: 1, ok: false, error: { name: 'Error', message: failureMessage } } })
  expect(Object.values(outcomes(store(golden.bob))).map((r) => r.type)).toEqual(['text', 'text'])
})
