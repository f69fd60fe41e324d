/**
 * The golden store: test/store/golden/{alice,bob}.sqlite were written by an earlier build (see the README
 * there) and are never rewritten by tests. This file reads copies of them two ways:
 * - raw, with better-sqlite3: chosen rows must hold exactly the bytes the current codec gives for the
 *   values they stand for, and decode back to those values; a few are pinned as literal bytes;
 * - through the public API: both nodes open the copies with today's code, the flow asleep mid-session
 *   resumes from its journal and completes on both sides, and the kept outcomes read back.
 * A change to the stored encoding, the key formats, the schema or the definition hash fails here; such a
 * change needs a migration of stores written before it, not a new golden store.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EchoV1 } from '../../protocols/echo.protocol.js'
import { createNode, decode, encode, InMemoryNetwork, type Node, protocolHash } from '../../runtime/index.js'
import { aliceFlows, echoResponder, failureMessage, golden, goldenQuote, quoteCalls } from './golden/golden-flows.js'

const goldenDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden')
const session = 'golden-suspended/1'
const aliceSessionKey = `i:${session}`
const bobSessionKey = `r:Alice:${session}`

let dir: string
const storeOf = (party: string): string => path.join(dir, `${party.toLowerCase()}.sqlite`)

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'colloquy-golden-'))
  for (const party of [golden.alice, golden.bob]) copyFileSync(path.join(goldenDir, `${party.toLowerCase()}.sqlite`), storeOf(party))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** Runs `read` on a copy of one node's golden file. */
function withDb<T>(party: string, read: (db: Database.Database) => T): T {
  const db = new Database(storeOf(party))
  try {
    return read(db)
  } finally {
    db.close()
  }
}

function blob(db: Database.Database, sql: string, ...params: unknown[]): Buffer {
  const row = db
    .prepare(sql)
    .pluck()
    .get(...params)
  expect(row, `no row for ${sql} ${params.join(', ')}`).toBeInstanceOf(Buffer)
  return row as Buffer
}

/** The stored bytes are exactly what the current codec writes for `expected`, and read back as it. */
function expectEncoded(stored: Buffer, expected: unknown): void {
  expect(decode(stored)).toEqual(expected)
  expect(Buffer.from(encode(expected)).toString('hex'), 'the codec now writes other bytes for this value than the golden store holds').toBe(
    stored.toString('hex'),
  )
}

describe('the golden store, read raw', () => {
  it('has the schema version and tables it was written with', () => {
    withDb(golden.alice, (db) => {
      expect(db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).pluck().get()).toBe('2')
      const counts = Object.fromEntries(
        ['flows', 'journal', 'sessions', 'inbox', 'outbox', 'timers'].map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()]),
      )
      expect(counts).toEqual({ flows: 3, journal: 18, sessions: 1, inbox: 2, outbox: 3, timers: 1 })
    })
  })

  it('holds the suspended flow journal under <scope>#<index> keys, each entry in the current encoding', () => {
    withDb(golden.alice, (db) => {
      const entry = (key: string) => blob(db, 'SELECT entry FROM journal WHERE flow_id = ? AND key = ?', golden.suspendedId, key)
      const keys = db.prepare('SELECT key FROM journal WHERE flow_id = ? ORDER BY key').pluck().all(golden.suspendedId)
      expect(keys).toEqual(['#0', '#1', '#2', '/1#0', '/1#1', '/1#2', '/1#3', '/1#4'])
      expectEncoded(entry('#0'), { k: 'step', name: 'quote', ok: true, value: goldenQuote() })
      expectEncoded(entry('#1'), { k: 'open', protocol: 'Echo', peer: golden.bob })
      expectEncoded(entry('/1#0'), { k: 'send', label: 'next', seq: 0 })
      expectEncoded(entry('/1#1'), { k: 'send', label: 'ping', seq: 1 })
      expectEncoded(entry('/1#2'), { k: 'recv', seq: 1 })
      // Pinned as bytes too, so a codec change that still round-trips its own output is caught.
      expect(entry('/1#2').toString('hex')).toBe('ff0f6f22016b220472656376220373657149027b02')
      const due = db.prepare('SELECT due FROM timers WHERE flow_id = ? AND key = ?').pluck().get(golden.suspendedId, '#2') as number
      expect(due).toBeGreaterThan(Date.UTC(2026, 0, 1))
      expectEncoded(entry('#2'), { k: 'sleep', until: due })
    })
  })

  it('holds a failed step, flow arguments and kept outcomes in the current encoding', () => {
    withDb(golden.alice, (db) => {
      const error = { name: 'Error', message: failureMessage }
      expectEncoded(blob(db, 'SELECT entry FROM journal WHERE flow_id = ? AND key = ?', golden.failedId, '#0'), {
        k: 'step',
        name: 'attempt',
        ok: false,
        error,
      })
      const flows = db.prepare('SELECT id, name, kind, status FROM flows ORDER BY id').all()
      expect(flows).toEqual([
        { id: golden.failedId, name: 'golden.failed', kind: 'started', status: 'failed' },
        { id: golden.finishedId, name: 'golden.finished', kind: 'started', status: 'done' },
        { id: golden.suspendedId, name: 'golden.suspended', kind: 'started', status: 'running' },
      ])
      expectEncoded(blob(db, 'SELECT args FROM flows WHERE id = ?', golden.suspendedId), { peer: golden.bob, sleepMs: 5000 })
      expectEncoded(blob(db, 'SELECT outcome FROM flows WHERE id = ?', golden.finishedId), { ok: true, value: { rounds: 2, last: 'finished-1' } })
      expectEncoded(blob(db, 'SELECT outcome FROM flows WHERE id = ?', golden.failedId), { ok: false, error })
    })
  })

  it('holds session rows with the definition hash the current IR gives Echo v1, on both sides', () => {
    const columns = 'key, flow_id, peer, protocol, version, status, reason, hash'
    const alice = withDb(golden.alice, (db) => db.prepare(`SELECT ${columns} FROM sessions`).all())
    const bob = withDb(golden.bob, (db) => db.prepare(`SELECT ${columns} FROM sessions`).all())
    const row = { protocol: 'Echo', version: 1, status: 'open', reason: null, hash: protocolHash(EchoV1) }
    expect(alice).toEqual([{ key: aliceSessionKey, flow_id: golden.suspendedId, peer: golden.bob, ...row }])
    expect(bob).toEqual([{ key: bobSessionKey, flow_id: expect.any(String), peer: golden.alice, ...row }])
  })

  it('holds inbox frames and unacknowledged outbox envelopes in the current encoding', () => {
    withDb(golden.alice, (db) => {
      const waiting = blob(db, 'SELECT event FROM inbox WHERE session_key = ? AND seq = 2', aliceSessionKey)
      expectEncoded(waiting, { t: 'data', frame: { kind: 'data', label: 'echo', payload: { round: 1, text: 'golden-1' } } })
      expect(db.prepare('SELECT id FROM outbox ORDER BY id').pluck().all()).toEqual([`${session}/i1`, `${session}/i2`, `${session}/i3`])
      expectEncoded(blob(db, 'SELECT envelope FROM outbox WHERE id = ?', `${session}/i2`), {
        id: `${session}/i2`,
        from: golden.alice,
        to: golden.bob,
        body: { t: 'data', session, dir: 'i', seq: 2, frame: { kind: 'choice', label: 'next', branch: 'ping' } },
      })
    })
    withDb(golden.bob, (db) => {
      expectEncoded(blob(db, 'SELECT envelope FROM outbox WHERE id = ?', `${session}/confirm`), {
        id: `${session}/confirm`,
        from: golden.bob,
        to: golden.alice,
        body: { t: 'confirm', session, version: 1 },
      })
      expectEncoded(blob(db, `SELECT args FROM flows WHERE kind = 'responder' AND status = 'running'`), bobSessionKey)
      expectEncoded(blob(db, `SELECT outcome FROM flows WHERE kind = 'responder' AND status = 'done'`), { ok: true, value: 2 })
      expect(blob(db, `SELECT outcome FROM flows WHERE kind = 'responder' AND status = 'done'`).toString('hex')).toBe('ff0f6f22026f6b54220576616c756549047b02')
    })
  })
})

describe('the golden store, opened by the current code', () => {
  const nodes: Node[] = []
  afterEach(async () => {
    for (const node of nodes.splice(0)) await node.stop()
  })

  /** `keepSentPayloads`: live sends then journal their content too; the golden entries, written without it, replay the same. */
  async function open(keepSentPayloads = false): Promise<{ alice: Node; bob: Node }> {
    const network = new InMemoryNetwork()
    const options = { network, keepFinishedFlows: true, keepSentPayloads }
    const alice = await createNode({ name: golden.alice, store: storeOf(golden.alice), flows: aliceFlows, ...options })
    nodes.push(alice)
    const bob = await createNode({ name: golden.bob, store: storeOf(golden.bob), responders: [echoResponder], ...options })
    nodes.push(bob)
    return { alice, bob }
  }

  it.each([false, true])('resumes the suspended flow from its journal and completes it on both sides, exactly once (keepSentPayloads %s)', async (keep) => {
    const responders = withDb(
      golden.bob,
      (db) => db.prepare(`SELECT id, status FROM flows WHERE kind = 'responder' ORDER BY status`).all() as { id: string; status: string }[],
    )
    expect(responders.map((r) => r.status)).toEqual(['done', 'running'])
    const [finishedResponder, suspendedResponder] = responders.map((r) => r.id)
    quoteCalls.count = 0

    const { alice, bob } = await open(keep)
    const result = await alice.resultOf(golden.suspendedId)
    expect(result).toEqual({ quote: goldenQuote(), echoes: ['golden-0', 'golden-1'] })
    expect((result as { quote: { lots: Map<string, bigint> } }).quote.lots.get('lot-7')).toBe(7n)
    expect(quoteCalls.count, 'the quote step ran again instead of returning its journaled result').toBe(0)
    // Two rounds answered: the pings Alice re-sent from her outbox were recognised as already received.
    expect(await bob.resultOf(suspendedResponder!)).toBe(2)
    expect(await bob.resultOf(finishedResponder!)).toBe(2)
  })

  it('reads back the kept outcomes of the finished and the failed flow', async () => {
    const { alice } = await open()
    expect(await alice.resultOf(golden.finishedId)).toEqual({ rounds: 2, last: 'finished-1' })
    await expect(alice.resultOf(golden.failedId)).rejects.toMatchObject({ message: failureMessage })
  })
})
