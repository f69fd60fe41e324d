/**
 * One flow talks to three counterparties at once (Promise.all, as when collecting signatures), with a
 * journaled step inside each handler. Messages arrive in a random order; the initiator is killed midway
 * and its replay must hand each handler its own recorded results.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { flow } from '../../runtime/engine/index.js'
import type { ProtocolState } from '../../runtime/session/index.js'
import { Cluster } from './support/cluster.js'
import { RoundsFamily, bump, effects } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

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

const answerAs = (party: string, offset: number) =>
  RoundsFamily.responder({
    v1: async (s: S) => {
      const { payload, next } = await s.receive()
      const n = payload.unwrap((v) => v as number)
      const { payload: q2, next: n2 } = await (await next.send(n + offset)).receive()
      return (await n2.send(q2.unwrap((v) => v as number) + offset)).end()
    },
  })

describe('concurrent sessions in one flow', () => {
  it('replays each session from its own journal scope after a crash, whatever the arrival order', async () => {
    cluster = new Cluster({ faults: { seed: 7, delayMs: [0, 15], reorder: 0.5 } })
    let alice = await cluster.add('Alice', { flows: [collect] })
    for (const [i, party] of parties.entries()) await cluster.add(party, { responders: [answerAs(party, (i + 1) * 100)] })
    const { flowId } = alice.startFlow(collect, 'c1')
    await new Promise((r) => setTimeout(r, 12))
    // the crash hits a flow in flight, with part of its journal written
    expect(alice.store.counts().flows).toBe(1)
    expect(alice.store.counts().journal).toBeGreaterThan(3)
    alice = await cluster.crashAndRestart('Alice')
    const result = await alice.resultOf(flowId)
    expect(result).toEqual(['Bob:100/100', 'Carol:201/210', 'Dan:302/320'])
    for (const party of parties) expect(effects.get(`c1-${party}`)).toBe(1)
  })
})
