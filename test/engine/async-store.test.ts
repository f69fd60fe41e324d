/**
 * The engine on a store whose reads take time, as a networked store's (PostgreSQL) would: every read
 * resolves a few milliseconds later and `flowIdTaken` cannot answer. A caller-given id found only in the
 * store rejects the start; two copies of an init arriving together start one responder; two messages for
 * one evicted flow rehydrate it once. The same id check on SQLite throws synchronously.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, expect, it } from 'vitest'
import { createNode } from '../../runtime/create-node.js'
import { FlowStartError, type Node, flow } from '../../runtime/engine/index.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'
import type { FlowStore } from '../../runtime/store/flow-store.js'
import { SqliteFlowStore } from '../../runtime/store/sqlite/sqlite-flow-store.js'
import { answerer, asker, effects } from './support/rounds-flows.js'

const silent = { info() {}, warn() {}, error() {} }
const dir = mkdtempSync(join(tmpdir(), 'colloquy-async-store-'))
const opened: Node[] = []
afterEach(async () => {
  for (const node of opened.splice(0)) await node.stop()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const READS = new Set([
  'runningFlows',
  'flow',
  'outcomeOf',
  'flowStatus',
  'journalOf',
  'allJournals',
  'sessionsOf',
  'allSessions',
  'inboxOf',
  'allInboxes',
  'sessionFlow',
  'outbox',
  'outboxOf',
  'runningFlowCount',
  'unfinishedFlows',
  'timers',
  'isProcessed',
  'counts',
  'purgeProcessed',
])

/** SQLite behind reads that answer 3 ms later, and synchronous checks (flow id, init answered) that cannot answer. */
function slowStore(file: string): FlowStore {
  const store = new SqliteFlowStore(file)
  return new Proxy(store, {
    get(target, property) {
      if (property === 'flowIdTaken' || property === 'initAnswered') return () => undefined
      const value = Reflect.get(target, property, target)
      if (typeof value !== 'function') return value
      if (typeof property === 'string' && READS.has(property)) {
        return async (...args: unknown[]) => {
          await new Promise((resolve) => setTimeout(resolve, 3))
          return value.apply(target, args)
        }
      }
      return value.bind(target)
    },
  })
}

let doubled = 0
const double = flow('double', async (ctx, n: number) => ctx.step('double', () => (doubled++, n * 2)))

it('rejects a caller-given id that only the store knows: synchronously on SQLite, through started and result otherwise', async () => {
  const network = new InMemoryNetwork()
  const sync = await createNode({ name: 'Sam', store: join(dir, 'sam.db'), network, logger: silent, keepFinishedFlows: true, flows: [double] })
  opened.push(sync)
  await expect(sync.startFlow(double, 1, { flowId: 'order-1' }).result).resolves.toBe(2)
  expect(() => sync.startFlow(double, 2, { flowId: 'order-1' })).toThrow(new FlowStartError('A flow with id order-1 already exists on Sam; use a new id.'))

  const node = await createNode({ name: 'Alice', store: slowStore(join(dir, 'alice.db')), network, logger: silent, keepFinishedFlows: true, flows: [double] })
  opened.push(node)
  doubled = 0
  const first = node.startFlow(double, 21, { flowId: 'order-2' })
  // Reserved in memory while the store is read: a second start with that id throws at once.
  expect(() => node.startFlow(double, 22, { flowId: 'order-2' })).toThrow(FlowStartError)
  await first.started
  await expect(first.result).resolves.toBe(42)
  const again = node.startFlow(double, 23, { flowId: 'order-2' })
  expect(again.flowId).toBe('order-2')
  await expect(again.started).rejects.toThrow(new FlowStartError('A flow with id order-2 already exists on Alice; use a new id.'))
  await expect(again.result).rejects.toBeInstanceOf(FlowStartError)
  expect(doubled).toBe(1)
  expect(await node.flowStatus('order-2')).toMatchObject({ status: 'done' })
  await expect(node.resultOf('order-2')).resolves.toBe(42)
})

it('starts one responder for two copies of an init, and rehydrates an evicted flow once for two copies of a message', async () => {
  // Every message to Bob arrives twice, back to back, while Bob's store reads take time.
  const network = new InMemoryNetwork({ faults: { rule: (envelope) => (envelope.to === 'Bob' ? 'duplicate' : undefined) } })
  const alice = await createNode({ name: 'Alice', store: slowStore(join(dir, 'a2.db')), network, logger: silent, flows: [asker], evictIdleAfterMs: 0 })
  const bob = await createNode({ name: 'Bob', store: slowStore(join(dir, 'b2.db')), network, logger: silent, responders: [answerer], evictIdleAfterMs: 0 })
  opened.push(alice, bob)
  const started: string[] = []
  bob.events.subscribe((event) => {
    if (event.type === 'flow-started') started.push(event.flow.flowId)
  })
  const results = await Promise.all([701, 702, 703].map((n) => alice.startFlow(asker, n).result))
  expect(results).toEqual([701, 702, 703].map((n) => 4 * (n + 1) + 100))
  expect(started).toHaveLength(3)
  expect(bob.stats.evictions).toBeGreaterThan(0)
  expect(bob.stats.rehydrations).toBeGreaterThan(0)
  for (const n of [701, 702, 703]) {
    expect(effects.get(`asker-double-${n}`)).toBe(1)
    expect(effects.get(`answerer-plus-${n}`)).toBe(1)
  }
})
