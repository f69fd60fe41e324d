/**
 * One store, one node: a second opener of a store in use is refused, saying which process holds it since
 * when; a node that stopped, or was killed as kill -9 would, never keeps its store from opening again.
 * (Across processes, with SIGKILL: test/xproc/store-ownership.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, expect, it } from 'vitest'
import { createNode } from '../../runtime/create-node.js'
import { flow, type Node } from '../../runtime/engine/index.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'
import { isColloquyError } from '../../runtime/protocol/errors/colloquy-error.js'
import { exitCodeOf } from '../../runtime/protocol/errors/exit-codes.js'
import { SqliteFlowStore } from '../../runtime/store/sqlite/sqlite-flow-store.js'
import { SqliteReads } from '../../runtime/store/sqlite/sqlite-reads.js'

const silent = { info() {}, warn() {}, error() {} }
const dir = mkdtempSync(join(tmpdir(), 'colloquy-store-lock-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const opened: Node[] = []
afterEach(async () => {
  for (const node of opened.splice(0)) await node.stop()
})

const double = flow('double', async (ctx, n: number) => ctx.step('double', () => n * 2))

async function open(file: string): Promise<Node> {
  const node = await createNode({ name: 'Alice', store: file, network: new InMemoryNetwork(), flows: [double], logger: silent, keepFinishedFlows: true })
  opened.push(node)
  return node
}

function refusal(error: unknown, file: string): void {
  expect(isColloquyError(error) && error.code).toBe('STORE_IN_USE')
  const message = (error as Error).message
  expect(message).toMatch(new RegExp(`^The store ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by pid ${process.pid} on host `))
  expect(message).toContain(` on host ${hostname()} since `)
  const since = /since (\S+?)[;,]/.exec(message)?.[1]
  expect(Number.isNaN(Date.parse(since ?? '')), `a start time in ${message}`).toBe(false)
  expect(Math.abs(Date.now() - Date.parse(since!))).toBeLessThan(60_000)
  expect(message).toContain('Stop that node')
  expect(exitCodeOf(error, 99)).toBe(1)
}

it('refuses a second node on a store in use, naming the process, its host and since when', async () => {
  const file = join(dir, 'shared.db')
  const first = await open(file)
  await expect(first.startFlow(double, 2).result).resolves.toBe(4)
  const second = await open(file).catch((error: unknown) => error)
  refusal(second, file)
  // The refused attempt did not loosen the first node's hold.
  refusal(await open(file).catch((error: unknown) => error), file)
  // The refused opener changed nothing: the first node goes on.
  await expect(first.startFlow(double, 5).result).resolves.toBe(10)
})

it('refuses a second SqliteFlowStore on the same file, and reading it meanwhile still works', async () => {
  const file = join(dir, 'direct.db')
  const store = new SqliteFlowStore(file)
  try {
    let error: unknown
    try {
      new SqliteFlowStore(file).close()
    } catch (thrown) {
      error = thrown
    }
    refusal(error, file)
    const reads = SqliteReads.openReadOnly(file)
    expect(await reads.runningFlowCount()).toBe(0)
    reads.close()
  } finally {
    store.close()
  }
  new SqliteFlowStore(file).close() // free again once closed
})

it('opens again after the node stopped, and after it was killed as kill -9 would', async () => {
  const file = join(dir, 'again.db')
  const first = await open(file)
  await first.stop()
  const second = await open(file)
  const handle = second.startFlow(double, 7)
  await handle.started
  second.crash()
  const third = await open(file)
  await expect(third.resultOf(handle.flowId)).resolves.toBe(14)
})
