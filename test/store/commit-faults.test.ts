/**
 * A commit that fails on a storage fault (disk full, I/O error, busy) does not stop the node: the fault is
 * logged (once per episode, not per attempt), the batch is kept and retried with back-off, nothing in it is
 * acknowledged to a peer or reported to a caller before it commits, and the flows carry on once the fault
 * clears. Faults are injected through the SQLite store's commit hook, inside the real transaction.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createNode } from '../../runtime/create-node.js'
import type { Node } from '../../runtime/engine/index.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'
import { SqliteFlowStore } from '../../runtime/store/sqlite/sqlite-flow-store.js'
import { eventually } from '../engine/support/cluster.js'
import { answerer, asker, effects } from '../engine/support/rounds-flows.js'

const dir = mkdtempSync(join(tmpdir(), 'colloquy-commit-faults-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const opened: Node[] = []
afterEach(async () => {
  for (const node of opened.splice(0)) await node.stop()
})

interface Logged {
  readonly level: 'info' | 'warn' | 'error'
  readonly message: string
}

function recordingLogger(into: Logged[]) {
  return {
    info: (message: string) => void into.push({ level: 'info', message }),
    warn: (message: string) => void into.push({ level: 'warn', message }),
    error: (message: string) => void into.push({ level: 'error', message }),
  }
}

const faults = [
  { code: 'SQLITE_FULL', message: 'database or disk is full' },
  { code: 'SQLITE_IOERR_WRITE', message: 'disk I/O error' },
  { code: 'SQLITE_BUSY', message: 'database is locked' },
] as const

const failing = (fault: (typeof faults)[number]) => () => {
  throw new Database.SqliteError(fault.message, fault.code)
}

/** asker(n) ends with 4(n+1) + 100 once both rounds went through. */
const expected = (n: number) => 4 * (n + 1) + 100

async function pair(label: string, logs: Logged[]) {
  const net = new InMemoryNetwork()
  const aliceFile = join(dir, `${label}-alice.db`)
  const store = new SqliteFlowStore(aliceFile, { commitRetry: { firstMs: 5, maxMs: 40 } })
  const alice = await createNode({ name: 'Alice', store, network: net, flows: [asker], logger: recordingLogger(logs), redeliverAfterMs: 50 })
  const bob = await createNode({ name: 'Bob', store: join(dir, `${label}-bob.db`), network: net, responders: [answerer], redeliverAfterMs: 50 })
  opened.push(alice, bob)
  return { net, store, alice, bob, aliceFile }
}

describe.each(faults)('a commit failing with $code', (fault) => {
  it('is logged once, holds back the start and the message, and is retried until it succeeds', async () => {
    const logs: Logged[] = []
    const { store, alice, bob } = await pair(`start-${fault.code}`, logs)
    store.injectCommitFault(failing(fault))
    const handle = alice.startFlow(asker, 1)
    let started = false
    void handle.started.then(() => (started = true))
    await new Promise((resolve) => setTimeout(resolve, 300))

    expect(started, 'a start is reported only once it committed').toBe(false)
    expect(await bob.unfinishedFlows(), 'nothing leaves before its batch committed').toEqual([])
    const errors = logs.filter((l) => l.level === 'error')
    expect(errors, 'many failed attempts, one report').toHaveLength(1)
    expect(errors[0]!.message).toContain(`Node Alice could not commit to ${store.location}: ${fault.message} (${fault.code})`)
    expect(errors[0]!.message).toContain('retries')

    store.injectCommitFault(undefined)
    await expect(handle.result).resolves.toBe(expected(1))
    expect(logs.some((l) => l.message.startsWith(`Node Alice commits to ${store.location} again after`))).toBe(true)
  })

  it('acknowledges nothing it has not committed: a crash during the fault loses no message', async () => {
    const logs: Logged[] = []
    const label = `ack-${fault.code}`
    const { net, store, alice, bob, aliceFile } = await pair(label, logs)
    effects.clear()
    // Bob's answer is held until Alice's disk fails, so it reaches Alice while her commits fail.
    net.setFaults({ rule: (envelope) => (envelope.to === 'Alice' ? 'hold' : undefined) })
    const handle = alice.startFlow(asker, 2)
    void handle.result.catch(() => {}) // the crash below rejects it; the flow resumes on the restarted node
    await eventually(async () => (await bob.unfinishedFlows()).length === 1 && net.onHold.length > 0)
    store.injectCommitFault(failing(fault))
    net.setFaults({})
    net.release()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(bob.stats.unacknowledged, 'Bob still holds his answer: Alice could not commit it').toBeGreaterThan(0)

    alice.crash() // kill -9 while the fault lasts
    opened.splice(opened.indexOf(alice), 1)
    const restarted = await createNode({ name: 'Alice', store: aliceFile, network: net, flows: [asker], logger: recordingLogger(logs), redeliverAfterMs: 50 })
    opened.push(restarted)
    await expect(restarted.resultOf(handle.flowId)).resolves.toBe(expected(2))
    expect(effects.get('answerer-plus-2')).toBe(1)
    // Alice's step ran during the fault, but its record never committed: the replay ran it again, as after
    // any crash before a commit. Bob's step, whose result Alice had not acknowledged, ran once.
    expect(effects.get('asker-double-2')).toBe(2)
    expect(effects.get('asker-total-2')).toBe(1)
    await eventually(() => bob.stats.unacknowledged === 0)
  })
})

it('a commit failing for a reason waiting cannot fix (a broken constraint) still stops the node, saying why', async () => {
  const logs: Logged[] = []
  const { store, alice } = await pair('constraint', logs)
  store.injectCommitFault(() => {
    throw new Database.SqliteError('UNIQUE constraint failed: flows.id', 'SQLITE_CONSTRAINT_PRIMARYKEY')
  })
  const handle = alice.startFlow(asker, 3)
  await expect(handle.started).rejects.toThrow('UNIQUE constraint failed')
  expect(logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
    expect.stringContaining(`Node Alice could not commit to ${store.location} and stops: UNIQUE constraint failed: flows.id`),
  ])
  await eventually(() => {
    try {
      alice.startFlow(asker, 4)
      return false
    } catch {
      return true
    }
  })
})
