import { afterEach, describe, expect, it } from 'vitest'
import { NonDeterminismError, flow } from '../../runtime/engine/index.js'
import type { ResponderRegistration } from '../../runtime/protocol/session/index.js'
import { SqliteFlowStore, decode, encode } from '../../runtime/store/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { failOnReplayDeviation } from './support/hospital.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

const raw = [{ version: 1, hash: 'sha256:raw' }]

/** Receives frames until the session ends. */
const sink: ResponderRegistration = {
  protocol: 'Sink',
  versions: raw,
  run: async (channel) => {
    for (;;) await channel.receive()
  },
}

describe('a replay that sends other values than its journal recorded', () => {
  it('fails with NonDeterminismError naming the flow, the send and both digests', async () => {
    const lottery = flow('lottery', async (ctx) => {
      const channel = await ctx.openSession({ protocol: 'Sink', counterparty: 'Bob', versions: raw })
      await channel.send({ kind: 'data', label: 'draw', payload: Math.random() })
      await ctx.sleep(60_000)
    })
    cluster = new Cluster()
    const alice = await cluster.add('Alice', { flows: [lottery], hospital: failOnReplayDeviation })
    await cluster.add('Bob', { responders: [sink] })
    const { flowId } = alice.startFlow(lottery, undefined)
    await eventually(async () => (await alice.tableCounts()).timers === 1)
    const reopened = await cluster.crashAndRestart('Alice')
    const error = (await reopened.resultOf(flowId).catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(NonDeterminismError)
    expect(error.message).toContain(`Flow 'lottery' (${flowId}) on Alice deviated from its journal at action 1 of scope /0`)
    const [, recorded, now] = /recorded send 'draw' with payload digest (\S+) but the replay sent payload \S+ with digest (\S+)\./.exec(error.message) ?? []
    expect(recorded).toBeDefined()
    expect(now).toBeDefined()
    expect(recorded).not.toBe(now)
  })

  it('replays a send journaled without a digest (by an older version) without comparing', async () => {
    let value = 1
    const sender = flow('sender', async (ctx) => {
      const channel = await ctx.openSession({ protocol: 'Sink', counterparty: 'Bob', versions: raw })
      await channel.send({ kind: 'data', label: 'n', payload: value++ })
      await ctx.sleep(150)
      return 'done'
    })
    cluster = new Cluster()
    const alice = await cluster.add('Alice', { flows: [sender] })
    await cluster.add('Bob', { responders: [sink] })
    const { flowId } = alice.startFlow(sender, undefined)
    await eventually(async () => (await alice.tableCounts()).timers === 1)
    alice.crash()
    // What an older version wrote: the send entry without its digest.
    const store = new SqliteFlowStore(`${cluster.dir}/Alice.db`)
    const rows = await store.journalOf(flowId)
    const send = rows.find((r) => decode<{ k: string }>(r.entry).k === 'send')!
    const { d, ...withoutDigest } = decode<{ k: 'send'; d?: string }>(send.entry)
    expect(d).toBeDefined()
    store.putJournal(flowId, send.key, encode(withoutDigest))
    await store.commits.commit()
    store.close()
    const reopened = await cluster.add('Alice', { flows: [sender] })
    await expect(reopened.resultOf(flowId)).resolves.toBe('done')
  })
})

describe('ctx.now, ctx.random and ctx.uuid', () => {
  it('are journaled: a replay after a crash returns the values recorded the first time', async () => {
    const first: unknown[] = []
    const sources = flow('sources', async (ctx) => {
      const values = { now: await ctx.now(), random: await ctx.random(), uuid: await ctx.uuid() }
      await ctx.step('publish', () => first.push(values))
      await ctx.sleep(200)
      return values
    })
    cluster = new Cluster()
    const alice = await cluster.add('Alice', { flows: [sources] })
    const { flowId } = alice.startFlow(sources, undefined)
    await eventually(async () => (await alice.tableCounts()).timers === 1)
    await new Promise((resolve) => setTimeout(resolve, 20))
    const reopened = await cluster.crashAndRestart('Alice')
    const replayed = (await reopened.resultOf(flowId)) as { now: number; random: number; uuid: string }
    expect(first).toEqual([replayed])
    expect(typeof replayed.now).toBe('number')
    expect(replayed.now).toBeLessThan(Date.now() - 20)
    expect(replayed.random).toBeGreaterThanOrEqual(0)
    expect(replayed.random).toBeLessThan(1)
    expect(replayed.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})
