/**
 * An authenticated member floods a node with session inits (a raw client keeping many inits in flight,
 * sending a new one for every answer) while two honest nodes run ping-pong flows through the same node.
 * With the per-peer quota of open responder sessions the flooder gets rejects past it instead of a
 * responder flow per init, and the honest flows keep at least half their throughput.
 */
import { afterEach, expect, it } from 'vitest'
import type { Envelope } from '../../runtime/network/index.js'
import { Cluster } from './support/cluster.js'
import { versionSpec } from './support/family.js'
import { Rounds } from './support/protocols.js'
import { answerer, asker } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

const WINDOW_MS = 600
const HONEST_LOOPS = 4
const FLOOD_IN_FLIGHT = 48

it('honest flows keep at least half their throughput while a member floods inits', { timeout: 90_000 }, async () => {
  cluster = new Cluster()
  const alice = await cluster.add('Alice', { flows: [asker] })
  await cluster.add('Bob', { responders: [answerer], quotas: { maxResponderSessionsPerPeer: 100 } })
  let flooding = false
  let next = 0
  const versions = [{ version: 1, hash: versionSpec(Rounds).hash }]
  const sendInit = () => {
    const session = `flood-${next++}`
    const first = { kind: 'data' as const, label: 'q1', payload: 1 }
    mallory.send({ id: `init-${session}`, from: 'Mallory', to: 'Bob', body: { t: 'init', session, protocol: 'Rounds', versions, first } })
  }
  // Every answer to an init (confirm or reject) brings a new init: a closed loop as fast as Bob answers.
  const deliver = async (e: Envelope) => {
    if (flooding && (e.body.t === 'confirm' || e.body.t === 'reject')) sendInit()
  }
  const mallory = cluster.net.attach('Mallory', { deliver, acknowledged: () => {}, peerAvailable: () => {} })
  let n = 0
  /** Asker flows Alice completes with Bob in one window, HONEST_LOOPS at a time. */
  const window = async (): Promise<number> => {
    let done = 0
    const until = Date.now() + WINDOW_MS
    const loop = async () => {
      while (Date.now() < until) {
        await alice.startFlow(asker, ++n).result
        done++
      }
    }
    await Promise.all(Array.from({ length: HONEST_LOOPS }, loop))
    return done
  }
  await alice.startFlow(asker, 0).result // warm-up
  // Windows alone and flooded alternate, and the median of the rounds' ratios counts, so a machine busy with
  // other work for a moment weighs on one round only.
  const ratios: number[] = []
  const figures: string[] = []
  for (let round = 0; round < 5; round++) {
    const alone = await window()
    flooding = true
    for (let i = 0; i < FLOOD_IN_FLIGHT; i++) sendInit()
    const flooded = await window()
    flooding = false
    ratios.push(flooded / Math.max(alone, 1))
    figures.push(`${flooded}/${alone}`)
  }
  const median = [...ratios].sort((a, b) => a - b)[2]!
  expect(next).toBeGreaterThan(200) // the flood did run past the quota
  expect(median, `honest flows completed flooded/alone per round: ${figures.join(', ')}`).toBeGreaterThanOrEqual(0.5)
})
