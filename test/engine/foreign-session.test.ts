/**
 * A party that is authenticated but not the counterparty of a session must not be able to write into it:
 * a confirm, reject, held notice, data, end or error for a session Alice has with Bob, sent by Mallory, is dropped and
 * logged, changes nothing in Alice's store, and the real session completes as if nothing happened.
 */
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import type { Envelope, WireMessage } from '../../runtime/network/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { answerer, asker } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

/** Reads Alice's committed rows through a second connection to her SQLite file. */
function readAlice<T>(read: (db: Database.Database) => T): T {
  const db = new Database(join(cluster.dir, 'Alice.db'), { readonly: true })
  try {
    return read(db)
  } finally {
    db.close()
  }
}

function tables(): string {
  return readAlice((db) =>
    JSON.stringify(['flows', 'journal', 'sessions', 'inbox', 'outbox', 'timers'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all())),
  )
}

it('messages from a third party into a session are dropped, logged and change nothing', async () => {
  let holdBob = true
  cluster = new Cluster({ faults: { rule: (e) => (holdBob && e.from === 'Bob' ? 'hold' : undefined) } })
  const warnings: { message: string; fields?: Record<string, unknown> }[] = []
  const alice = await cluster.add('Alice', {
    flows: [asker],
    logger: { info() {}, error() {}, warn: (message, fields) => warnings.push({ message, ...(fields ? { fields } : {}) }) },
  })
  await cluster.add('Bob', { responders: [answerer] })
  const handle = alice.startFlow(asker, 3)
  await eventually(() => cluster.net.onHold.length > 0) // Bob answered; Alice waits for it
  const sessionKey = readAlice((db) => (db.prepare(`SELECT key FROM sessions`).get() as { key: string }).key)
  const session = sessionKey.slice(2)
  await new Promise((resolve) => setTimeout(resolve, 150)) // acknowledged outbox rows leave within 50 ms
  const before = tables()

  const acked: string[] = []
  const mallory = cluster.net.attach('Mallory', { deliver: async () => {}, acknowledged: (id) => void acked.push(id), peerAvailable: () => {} })
  const forged: WireMessage[] = [
    { t: 'confirm', session, version: 1 },
    { t: 'reject', session, reason: 'Mallory says no' },
    { t: 'held', session, reason: 'Mallory says it holds it' },
    { t: 'data', session, dir: 'r', seq: 1, frame: { kind: 'data', label: 'a1', payload: 999 } },
    { t: 'error', session, dir: 'r', seq: 2, exception: null },
    { t: 'end', session, dir: 'r', seq: 3 },
  ]
  for (const [i, body] of forged.entries()) mallory.send({ id: `forged-${i}`, from: 'Mallory', to: 'Alice', body } satisfies Envelope)
  await eventually(() => warnings.filter((w) => w.fields?.reason === 'foreign-session').length === forged.length)
  expect(warnings[0]!.message).toContain(`dropped a confirm message from Mallory for session ${session}, which it has with Bob`)
  await new Promise((resolve) => setTimeout(resolve, 150)) // anything wrongly stored would be committed by now
  expect(tables()).toEqual(before)

  holdBob = false
  cluster.net.release()
  await expect(handle.result).resolves.toBe(4 * 3 + 104)
})
