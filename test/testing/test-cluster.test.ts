/**
 * The test cluster: durable nodes on an in-memory network and simulated time. A trade whose buyer reviews
 * the offer for a week completes when the cluster's time is advanced, in far less than a week of wall time,
 * also across a crash of the buyer in the middle of the review.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { SignedTransaction } from '../../examples/collect-signatures-flows.js'
import { type TradeOffer, buyAsset, sellAsset } from '../../examples/two-party-trade-flows.js'
import { TwoPartyTrade } from '../../generated/two-party-trade.js'
import { flow } from '../../runtime/index.js'
import { SimulatedClock, type TestCluster, TestKitError, createTestCluster } from '../../runtime/testing/index.js'

const week = 7 * 24 * 3600_000
const offer: TradeOffer = { price: { quantity: 900, currency: 'EUR' }, asset: { ref: { txId: 'issue-1', index: 0 }, description: 'gold bar', owner: 'Seller' } }
const sell = flow('sell', (ctx, buyer: string) => sellAsset(ctx, buyer, offer))
const nodes = () => ({
  Seller: { flows: [sell], protocols: [TwoPartyTrade] },
  Buyer: { responders: [buyAsset({ maxPrice: 1000, wants: 'gold', reviewMs: week })] },
})

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.stop()
  cluster = undefined
})

/** Whether `promise` has settled by now (after letting pending work run). */
async function settledYet(promise: Promise<unknown>): Promise<boolean> {
  let settled = false
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  )
  await new Promise((r) => setImmediate(r))
  return settled
}

describe('createTestCluster', () => {
  it('completes a flow waiting on a week-long durable timer when simulated time is advanced', async () => {
    const wallStart = Date.now()
    cluster = await createTestCluster({ nodes: nodes() })
    const trade = cluster.node('Seller').startFlow(sell, 'Buyer')
    await cluster.settle()
    // The buyer sleeps through its review; the idle flow leaves memory after evictIdleAfterMs (30 s) of simulated time.
    expect(cluster.node('Buyer').stats.evictions).toBe(0)
    await cluster.advanceTime(31_000)
    expect(cluster.node('Buyer').stats).toMatchObject({ evictions: 1, loaded: 0 })
    await cluster.advanceTime(week - 1000 - 31_000)
    expect(await settledYet(trade.result)).toBe(false)
    await cluster.advanceTime(1000)
    const tx = (await trade.result) as SignedTransaction
    expect(tx.signatures.map((s) => s.signer)).toEqual(['Buyer', 'Seller'])
    expect(cluster.node('Buyer').stats.rehydrations).toBeGreaterThanOrEqual(1)
    expect(Date.now() - wallStart).toBeLessThan(10_000)
  })

  it('resumes a crashed node from its store file, timer included', async () => {
    const clock = new SimulatedClock()
    cluster = await createTestCluster({ nodes: nodes(), clock })
    const started = clock.now()
    const trade = cluster.node('Seller').startFlow(sell, 'Buyer')
    await cluster.settle()
    await cluster.advanceTime(week / 2)
    cluster.crash('Buyer')
    expect(() => cluster!.node('Buyer')).toThrow("Buyer is not running (it crashed or stopped); call cluster.restart('Buyer') first.")
    await cluster.restart('Buyer')
    await cluster.advanceTime(week / 2)
    const tx = (await trade.result) as SignedTransaction
    expect(tx.signatures).toHaveLength(2)
    expect(clock.now() - started).toBe(week)
  })

  it('names what it cannot do', async () => {
    cluster = await createTestCluster({ nodes: { Solo: {} }, clock: 'system', store: 'memory' })
    expect(() => cluster!.node('Nobody')).toThrow('This cluster has no node Nobody; it has Solo.')
    await expect(cluster.advanceTime(10)).rejects.toThrow(TestKitError)
    cluster.crash('Solo')
    await expect(cluster.restart('Solo')).rejects.toThrow(
      "Solo keeps its store in memory, so a restart would find nothing to resume; create the cluster with store: 'file'.",
    )
  })
})

describe('the in-memory network with faults, in a cluster', () => {
  it('finishes a trade exactly once over a network that drops and duplicates, re-sending on simulated time', async () => {
    cluster = await createTestCluster({ nodes: nodes(), network: { faults: { seed: 7, drop: 0.3, duplicate: 0.3, dropAck: 0.3 } } })
    const trade = cluster.node('Seller').startFlow(sell, 'Buyer')
    // Lost messages are re-sent every redeliverAfterMs (1 s) of the cluster's time; a minute is plenty.
    for (let second = 0; second < 60 && !(await settledYet(trade.result)); second++) await cluster.advanceTime(1000)
    await cluster.advanceTime(week)
    const tx = (await trade.result) as SignedTransaction
    expect(tx.signatures).toHaveLength(2)
    expect(cluster.network.stats.dropped).toBeGreaterThan(0)
    expect(cluster.network.stats.duplicated).toBeGreaterThan(0)
  })

  it('holds envelopes a rule picks until the test releases them', async () => {
    cluster = await createTestCluster({ nodes: nodes(), network: { faults: { rule: (e) => (e.to === 'Buyer' ? 'hold' : undefined) } } })
    const trade = cluster.node('Seller').startFlow(sell, 'Buyer')
    await cluster.settle()
    await cluster.advanceTime(3000)
    // The offer and its re-sends (one a second) wait on hold; the buyer has not even started reviewing.
    expect(cluster.network.onHold.length).toBeGreaterThanOrEqual(3)
    expect(cluster.network.stats.delivered).toBe(0)
    cluster.network.setFaults({})
    cluster.network.release()
    await cluster.advanceTime(week)
    for (let second = 0; second < 10 && !(await settledYet(trade.result)); second++) await cluster.advanceTime(1000)
    expect(((await trade.result) as SignedTransaction).signatures).toHaveLength(2)
  })
})
