/**
 * One flow talks to three counterparties at once (Promise.all, as when collecting signatures), with a
 * journaled step inside each handler. Messages arrive in a random order; the initiator is killed midway
 * and its replay must hand each handler its own recorded results.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { flow } from '../../runtime/engine/index.js'
import type { ProtocolState } from '../../runtime/protocol/session/index.js'
import { Cluster, turns } from './support/cluster.js'
import { RoundsFamily, bump, effects } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => {
  await cluster?.stopAll()
})

type S = ProtocolState
const parties = ['Bob', 'Carol', 'Dan']

const collect = flow('collect', async (ctx, tag: string) =>
  Promise.all(
    parties.map((party, i) =>
      RoundsFamily.initiate(ctx, party, {
        v1: async (s: S, c) => {
          const { payload, next } = await (await s.send(i)).receive()
          const got = payload.unwrap((v) => v as string | number)
          const seen = await c.step('seen', () => (bump(`${tag}-${party}`), `${party}:${got}`))
          const { payload: p2, next: end } = await (await next.send(i * 10)).receive()
          return end.end(`${seen}/${p2.unwrap((v) => v)}`)
        },
      }),
    ),
  ),
)

const answerAs = (_party: string, offset: number) =>
  RoundsFamily.responder({
    v1: async (s: S) => {
      const { payload, next } = await s.receive()
      const n = payload.unwrap((v) => v as number)
      const { payload: q2, next: n2 } = await (await next.send(n + offset)).receive()
      return (await n2.send(q2.unwrap((v) => v as number) + offset)).end()
    },
  })

/**
 * Crashes Alice after `crashAfter` network steps, at a quiet moment (every commit of that moment done),
 * so each journaled step either completed before the crash or had not started: exactly once holds.
 * A crash between a step's side effect and its commit would make that effect run again, as documented.
 */
async function collectWithCrash(tag: string, crashAfter: number, seed: number) {
  cluster = new Cluster({ mode: 'manual', faults: { seed, reorder: 0.5 } })
  let alice = await cluster.add('Alice', { flows: [collect] })
  for (const [i, party] of parties.entries()) await cluster.add(party, { responders: [answerAs(party, (i + 1) * 100)] })
  const { flowId } = alice.startFlow(collect, tag)
  await turns()
  for (let steps = 0; steps < crashAfter && (await cluster.net.step()); steps++) await turns()
  const inFlight = (await alice.tableCounts()).flows === 1
  alice = await cluster.crashAndRestart('Alice')
  const result = alice.resultOf(flowId)
  let done = false
  void result.then(
    () => (done = true),
    () => (done = true),
  )
  for (let i = 0; i < 200 && !done; i++) {
    await cluster.net.settle()
    await new Promise((r) => setTimeout(r, 10))
  }
  const value = await result
  await cluster.stopAll()
  return { value, inFlight }
}

describe('concurrent sessions in one flow', () => {
  it('replays each session from its own journal scope after a crash, whatever the arrival order', async () => {
    let crashedInFlight = 0
    for (const crashAfter of [2, 4, 6, 8, 10, 12]) {
      const tag = `c${crashAfter}`
      const { value, inFlight } = await collectWithCrash(tag, crashAfter, 7 + crashAfter)
      if (inFlight) crashedInFlight++
      expect(value).toEqual(['Bob:100/100', 'Carol:201/210', 'Dan:302/320'])
      for (const party of parties) expect(effects.get(`${tag}-${party}`), `${tag} ${party}`).toBe(1)
    }
    // the crash points must actually hit a flow in flight, with part of its journal written
    expect(crashedInFlight).toBeGreaterThanOrEqual(4)
  })
})
