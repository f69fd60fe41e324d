/**
 * A node answers status questions itself (it no longer exposes its store), takes any FlowStore through
 * createNode, and reads time from the clock it is given.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, expect, it } from 'vitest'
import { createNode } from '../../runtime/create-node.js'
import { type Clock, type Node, flow, systemClock } from '../../runtime/engine/index.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'
import { SqliteFlowStore } from '../../runtime/store/sqlite/sqlite-flow-store.js'
import { SqliteReads } from '../../runtime/store/sqlite/sqlite-reads.js'

const silent = { info() {}, warn() {}, error() {} }
const dir = mkdtempSync(join(tmpdir(), 'colloquy-status-'))
const opened: Node[] = []
afterEach(async () => {
  for (const node of opened.splice(0)) await node.stop()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const double = flow('double', async (ctx, n: number) => ctx.step('double', () => n * 2))
const fail = flow('fail', async () => {
  throw new Error('no luck')
})
// Two versions on offer: the open waits for a handshake nobody answers (Nobody is declared and never attaches).
const waitForever = flow('wait-forever', async (ctx) => {
  await ctx.openSession({
    protocol: 'Nobody',
    counterparty: 'Nobody',
    versions: [
      { version: 1, hash: 'a' },
      { version: 2, hash: 'b' },
    ],
  })
})

it('runs on a FlowStore instance and answers flow status, outcomes and row counts', async () => {
  const store = new SqliteFlowStore(join(dir, 'given.db'))
  const node = await createNode({
    name: 'Alice',
    store,
    network: new InMemoryNetwork({ parties: ['Nobody'] }),
    logger: silent,
    keepFinishedFlows: true,
    flows: [double, fail, waitForever],
  })
  opened.push(node)
  expect('store' in node).toBe(false) // status questions go to the node

  const ok = node.startFlow(double, 21)
  await expect(ok.result).resolves.toBe(42)
  const failed = node.startFlow(fail, undefined)
  await expect(failed.result).rejects.toThrow('no luck')
  const waiting = node.startFlow(waitForever, undefined)
  await waiting.started

  expect(await node.flowStatus(ok.flowId)).toMatchObject({ id: ok.flowId, name: 'double', kind: 'started', status: 'done' })
  expect(await node.flowStatus(failed.flowId)).toMatchObject({ status: 'failed' })
  expect(await node.flowStatus('no-such-flow')).toBeUndefined()
  await expect(node.resultOf(ok.flowId)).resolves.toBe(42)
  await expect(node.resultOf(failed.flowId)).rejects.toMatchObject({ name: 'Error', message: 'no luck' })
  expect(await node.unfinishedFlows()).toEqual([
    {
      id: waiting.flowId,
      name: 'wait-forever',
      kind: 'started',
      startedAt: expect.any(Number),
      sessions: [{ peer: 'Nobody', protocol: 'Nobody', version: null, status: 'opening' }],
    },
  ])
  expect(await node.tableCounts()).toMatchObject({ flows: 3, sessions: 1, outbox: 1 })
  await node.committed()

  // A read-only look at the same file (what `colloquy flows` does) sees the same unfinished flow.
  const reads = SqliteReads.openReadOnly(join(dir, 'given.db'))
  try {
    expect((await reads.unfinishedFlows()).map((f) => f.id)).toEqual([waiting.flowId])
  } finally {
    reads.close()
  }
})

it('records start times from the clock it is given', async () => {
  const start = Date.UTC(2030, 0, 1)
  const clock: Clock = { ...systemClock, now: () => start }
  const node = await createNode({
    name: 'Alice',
    store: join(dir, 'clock.db'),
    network: new InMemoryNetwork({ parties: ['Nobody'] }),
    logger: silent,
    clock,
    flows: [waitForever],
  })
  opened.push(node)
  const { flowId, started } = node.startFlow(waitForever, undefined)
  await started
  expect(await node.flowStatus(flowId)).toMatchObject({ status: 'running', startedAt: start })
})

it('closes the store it opened when the node cannot open, and leaves a given store open for its owner to close', async () => {
  const responder = { protocol: 'Twice', versions: [], run: async () => undefined }
  const given = new SqliteFlowStore(join(dir, 'refused.db'))
  const options = { name: 'Alice', network: new InMemoryNetwork(), logger: silent, responders: [responder, responder] as never }
  await expect(createNode({ ...options, store: given })).rejects.toMatchObject({ code: 'FLOW_START' })
  expect(given.db.open).toBe(true)
  given.close()
  await expect(createNode({ ...options, store: join(dir, 'refused-path.db') })).rejects.toMatchObject({ code: 'FLOW_START' })
})
