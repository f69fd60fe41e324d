/**
 * Writes the golden store: alice.sqlite and bob.sqlite in this folder (or the folder given as the first
 * argument), one SQLite file per node, as the code of the tree it runs in stores them. Run it with
 * `npx tsx test/store/golden/write-golden.ts` only to record a new golden store on purpose (see
 * README.md here); the golden-store test then checks that later code still reads it.
 *
 * What it leaves: Alice's 'golden-finished' (two Echo rounds) and 'golden-failed' (a failing step) kept
 * with their outcomes; 'golden-suspended' asleep on a durable timer mid-session, the second echo waiting
 * in its inbox; Bob's responder to it waiting for the next round. Acknowledgements are lost during the
 * suspended flow's exchange, so both outboxes keep the messages they sent for it.
 */
import { existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { createNode, InMemoryNetwork } from '../../../runtime/index.js'
import { aliceFlows, echoResponder, failedFlow, finishedFlow, golden, suspendedFlow } from './golden-flows.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const outDir = path.resolve(process.argv[2] ?? here)
/** Long enough that the timer cannot fire before the nodes stop; long past when the test reads the store. */
const sleepMs = 5_000

const storeOf = (party: string): string => path.join(outDir, `${party.toLowerCase()}.sqlite`)

async function main(): Promise<void> {
  for (const party of [golden.alice, golden.bob]) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${storeOf(party)}${suffix}`, { force: true })
  }
  const network = new InMemoryNetwork({ mode: 'manual' })
  const common = { network, keepFinishedFlows: true, redeliverAfterMs: 3_600_000, evictIdleAfterMs: Number.POSITIVE_INFINITY } as const
  const alice = await createNode({ ...common, name: golden.alice, store: storeOf(golden.alice), flows: aliceFlows })
  const bob = await createNode({ ...common, name: golden.bob, store: storeOf(golden.bob), responders: [echoResponder] })

  const finished = alice.startFlow(finishedFlow, golden.bob, { flowId: golden.finishedId })
  await network.settle()
  console.log('finished:', await finished.result)

  const failed = alice.startFlow(failedFlow, undefined, { flowId: golden.failedId })
  await network.settle()
  console.log(
    'failed:',
    await failed.result.then(
      () => 'succeeded?',
      (error: Error) => error.message,
    ),
  )

  network.setFaults({ dropAck: 1 })
  alice.startFlow(suspendedFlow, { peer: golden.bob, sleepMs }, { flowId: golden.suspendedId })
  await network.settle()
  await alice.stop()
  await bob.stop()

  for (const party of [golden.alice, golden.bob]) {
    const db = new Database(storeOf(party))
    db.pragma('wal_checkpoint(TRUNCATE)')
    const counts = Object.fromEntries(
      ['flows', 'journal', 'sessions', 'inbox', 'outbox', 'timers'].map((table) => [
        table,
        (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
      ]),
    )
    db.close()
    for (const suffix of ['-wal', '-shm']) if (existsSync(`${storeOf(party)}${suffix}`)) rmSync(`${storeOf(party)}${suffix}`)
    console.log(`${storeOf(party)}:`, counts)
  }
}

await main()
