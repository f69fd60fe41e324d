/**
 * What a flow waits for right now (node.flowStatus, node.listFlows): a message from a party at a protocol
 * step, the answer to a session it opened, a timer, an external event; and the flow list's states and filters.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type Node, type WaitingFor, flow } from '../../runtime/engine/index.js'
import { describeWaitingFor } from '../../runtime/engine/waiting-for.js'
import type { ProtocolState } from '../../runtime/protocol/session/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { RoundsFamily } from './support/rounds-flows.js'

type S = ProtocolState

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

const asks = flow('asks', z.string(), async (ctx, peer) =>
  RoundsFamily.initiate(ctx, peer, {
    v1: async (s: S) => {
      const { next } = await (await s.send(1)).receive()
      const { payload, next: end } = await (await next.send(2)).receive()
      return end.end(payload.unwrap((v) => v as number))
    },
  }),
)

/** Bob answers only once told to (event 'answer'). */
const holdsBack = RoundsFamily.responder({
  v1: async (s: S, ctx) => {
    const { next } = await s.receive()
    await ctx.waitFor('answer', z.null())
    const { next: n2 } = await (await next.send(10)).receive()
    return (await n2.send(20)).end()
  },
})

const sleeps = flow('sleeps', async (ctx) => {
  await ctx.sleep(3_600_000)
})

const innermost = flow('innermost', async (ctx) => ctx.waitFor('deep', z.null()))
const middle = flow('middle', async (ctx) => ctx.subFlow(innermost, undefined))
const outer = flow('outer', z.string(), async (ctx, peer) => {
  await ctx.subFlow(middle, undefined)
  return ctx.subFlow(asks, peer)
})

const quick = flow('quick', async () => 'quick')
const fails = flow('fails', async () => {
  throw new Error('no')
})

async function waitsFor(node: Node, flowId: string, kind: WaitingFor['kind']): Promise<WaitingFor> {
  let found: WaitingFor | undefined
  await eventually(async () => {
    found = (await node.flowStatus(flowId))?.waitingFor
    return found?.kind === kind
  })
  return found!
}

describe('flowStatus: what a flow waits for', () => {
  it('a message from a party at a protocol step; the responder waiting for an event', async () => {
    cluster = new Cluster()
    const bob = await cluster.add('Bob', { responders: [holdsBack] })
    const alice = await cluster.add('Alice', { flows: [asks] })
    const handle = alice.startFlow(asks, 'Bob')
    const waiting = await waitsFor(alice, handle.flowId, 'message')
    expect(waiting).toEqual({ kind: 'message', party: 'Bob', protocol: 'Rounds', version: 1, step: 'step 2 of 4', label: 'a1' })
    expect(describeWaitingFor(waiting)).toBe("message 'a1' from Bob (Rounds v1, step 2 of 4)")
    const [responder] = await bob.listFlows({ state: 'waiting' })
    expect(responder).toMatchObject({ kind: 'responder', flowName: 'Rounds', state: 'waiting', waitingFor: { kind: 'event', name: 'answer' } })
    const status = await bob.flowStatus(responder!.flowId)
    expect(status?.waits).toEqual([{ kind: 'event', name: 'answer', schema: { type: 'null' } }])
    await bob.signal(responder!.flowId, 'answer', null)
    expect(await handle.result).toBe(20)
    expect((await alice.flowStatus(handle.flowId))?.waitingFor).toBeUndefined()
  })

  it("the answer to a session it opened with a party that is not there; a timer's due time", async () => {
    cluster = new Cluster({ parties: ['Carol'] })
    const alice = await cluster.add('Alice', { flows: [asks, sleeps] })
    const opening = alice.startFlow(asks, 'Carol')
    const waiting = await waitsFor(alice, opening.flowId, 'handshake')
    expect(waiting).toEqual({ kind: 'handshake', party: 'Carol', protocol: 'Rounds' })
    expect(describeWaitingFor(waiting)).toBe("Carol's answer to a Rounds session")
    const before = Date.now()
    const sleeping = alice.startFlow(sleeps, undefined)
    const timer = (await waitsFor(alice, sleeping.flowId, 'timer')) as { until: number }
    expect(timer.until).toBeGreaterThanOrEqual(before + 3_600_000)
    expect(describeWaitingFor({ kind: 'timer', until: 0 })).toBe('a timer due at 1970-01-01T00:00:00.000Z')
    expect(describeWaitingFor({ kind: 'event', name: 'ok', timeoutAt: 0 })).toBe("event 'ok' until 1970-01-01T00:00:00.000Z")
  })
})

describe('waits inside sub-flows', () => {
  it('name the sub-flows they run in, outermost first, also for a session opened there', async () => {
    cluster = new Cluster()
    const bob = await cluster.add('Bob', { responders: [holdsBack] })
    const alice = await cluster.add('Alice', { flows: [outer] })
    const handle = alice.startFlow(outer, 'Bob')
    const deep = await waitsFor(alice, handle.flowId, 'event')
    expect(deep).toEqual({ kind: 'event', name: 'deep', schema: { type: 'null' }, subFlows: ['middle', 'innermost'] })
    expect(describeWaitingFor(deep)).toBe("event 'deep' in sub-flow middle > innermost")
    await alice.signal(handle.flowId, 'deep', null)
    const message = await waitsFor(alice, handle.flowId, 'message')
    expect(message).toMatchObject({ party: 'Bob', label: 'a1', subFlows: ['asks'] })
    const [responder] = await bob.listFlows({ state: 'waiting' })
    await bob.signal(responder!.flowId, 'answer', null)
    expect(await handle.result).toBe(20)
  })
})

describe('listFlows', () => {
  it('lists running, waiting, finished and failed flows, filtered by state, name, client id and start time', async () => {
    cluster = new Cluster()
    const alice = await cluster.add('Alice', { flows: [sleeps, quick, fails], keepFinishedFlows: true })
    const t0 = Date.now()
    const sleeping = alice.startFlow(sleeps, undefined, { clientId: 'nap' })
    const done = alice.startFlow(quick, undefined)
    const failed = alice.startFlow(fails, undefined)
    await done.result
    await failed.result.catch(() => {})
    await waitsFor(alice, sleeping.flowId, 'timer')
    const all = await alice.listFlows()
    expect(all.map((f) => [f.flowName, f.state])).toEqual(
      expect.arrayContaining([
        ['sleeps', 'waiting'],
        ['quick', 'finished'],
        ['fails', 'failed'],
      ]),
    )
    expect(all).toHaveLength(3)
    expect((await alice.listFlows({ state: 'waiting' })).map((f) => f.flowId)).toEqual([sleeping.flowId])
    expect((await alice.listFlows({ state: 'running' })).map((f) => f.flowId)).toEqual([])
    expect((await alice.listFlows({ state: 'finished' })).map((f) => f.flowId)).toEqual([done.flowId])
    expect((await alice.listFlows({ state: 'failed' })).map((f) => f.flowId)).toEqual([failed.flowId])
    expect((await alice.listFlows({ flowName: 'quick' })).map((f) => f.flowId)).toEqual([done.flowId])
    const [nap] = await alice.listFlows({ clientId: 'nap' })
    expect(nap).toMatchObject({ flowId: sleeping.flowId, clientId: 'nap', owner: '', kind: 'started', waitingFor: { kind: 'timer' } })
    expect(nap!.startedAt).toBeGreaterThanOrEqual(t0)
    expect(await alice.listFlows({ startedSince: Date.now() + 60_000 })).toEqual([])
  })
})
