/**
 * Flows evicted at every idle moment (evictIdleAfterMs: 0) over a seeded faulty network (drops, duplicates,
 * reordering, lost acks), on simulated time: every flow finishes with its result and every outbox empties,
 * without any node being opened again. Each seed runs a giver (two sends before its first receive, so its
 * second frame waits for the confirm while the flow is out of memory) and an asker (Rounds).
 *
 * When held frames lived in the session object, the giver hung in every one of the 2,000 seeds (seeds 1 to
 * 2000: its second frame stayed in the outbox until a restart, and the responder waited for it); the askers
 * all finished.
 */
import { describe, expect, it } from 'vitest'
import { type TestCluster, createTestCluster } from '../../runtime/testing/index.js'
import { adder, expectedTotal, giver } from './support/pair-flows.js'
import { answerer, asker } from './support/rounds-flows.js'

const seeds = 2000
const redeliverAfterMs = 20
/** Simulated re-delivery periods a seed may take before its flows count as hung (they need a handful). */
const patience = 200

interface Outcome {
  done: boolean
  value?: unknown
  error?: unknown
}

/** Reads whether `promise` has settled, and how, at any later moment. */
function tracker(promise: Promise<unknown>): () => Outcome {
  let outcome: Outcome = { done: false }
  void promise.then(
    (value) => (outcome = { done: true, value }),
    (error: unknown) => (outcome = { done: true, error }),
  )
  return () => outcome
}

/** Runs one seed; returns what went wrong, or undefined. */
async function runSeed(seed: number): Promise<string | undefined> {
  const node = { evictIdleAfterMs: 0, redeliverAfterMs }
  const cluster: TestCluster = await createTestCluster({
    store: 'memory',
    network: { faults: { seed, drop: 0.2, duplicate: 0.2, reorder: 0.3, dropAck: 0.2 } },
    nodes: { Alice: { ...node, flows: [giver, asker] }, Bob: { ...node, responders: [adder, answerer] } },
  })
  try {
    const alice = cluster.node('Alice')
    const bob = cluster.node('Bob')
    const n = seed * 10
    const flows = [
      { name: `giver(${n})`, expected: expectedTotal(n), outcome: tracker(alice.startFlow(giver, n).result) },
      { name: `asker(${n})`, expected: 4 * (n + 1) + 100, outcome: tracker(alice.startFlow(asker, n).result) },
    ]
    for (let round = 0; round < patience && !flows.every((f) => f.outcome().done); round++) await cluster.advanceTime(redeliverAfterMs)
    for (const { name, expected, outcome } of flows) {
      const { done, value, error } = outcome()
      if (!done) return `seed ${seed}: ${name} hung`
      if (error || value !== expected) return `seed ${seed}: ${name} ended with ${String(error ?? value)}`
    }
    let quiet = false
    for (let round = 0; round < patience && !quiet; round++) {
      await cluster.advanceTime(redeliverAfterMs)
      await Promise.all([alice.committed(), bob.committed()]) // acknowledged rows leave with the next commit
      quiet = (await alice.tableCounts()).outbox + (await bob.tableCounts()).outbox === 0
    }
    if (!quiet) return `seed ${seed}: outbox rows left`
    if (cluster.node('Alice') !== alice || cluster.node('Bob') !== bob) return `seed ${seed}: a node was reopened`
    if (alice.stats.evictions === 0 || bob.stats.evictions === 0) return `seed ${seed}: nothing was evicted`
    return undefined
  } finally {
    await cluster.stop()
  }
}

describe('eviction at every idle moment over a faulty network', () => {
  it(`finishes every flow of ${seeds} seeds without reopening a node`, { timeout: 120_000 }, async () => {
    const failures: string[] = []
    for (let seed = 1; seed <= seeds; seed++) {
      const failure = await runSeed(seed)
      if (failure) failures.push(failure)
    }
    expect(failures).toEqual([])
  })
})
