/**
 * A peer whose process is down (node stopped, sockets closed): what is sent to it stays in the sender's
 * outbox on disk and arrives when it comes back; meanwhile the sender re-dials with exponential backoff.
 */
import { type Server, type Socket, createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { answerer, asker, effects } from '../engine/support/rounds-flows.js'
import { snapshot } from './support/db-snapshot.js'
import { silentListener } from './support/raw-peer.js'
import { TcpCluster, eventually } from './support/tcp-cluster.js'

let cluster: TcpCluster | undefined
let server: Server | undefined
afterEach(async () => {
  if (server) await new Promise((resolve) => server!.close(resolve))
  server = undefined
  await cluster?.stopAll()
  cluster = undefined
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A node's redelivery timer far in the future: only the transport's peerAvailable can trigger a re-send. */
const noTimerResend = { redeliverAfterMs: 600_000 }

describe('a peer that is down', () => {
  it('gets what was sent meanwhile, kept in the outbox across a restart of the sender too', async () => {
    const c = (cluster = await TcpCluster.create(['Alice', 'Bob']))
    await c.up('Bob', { responders: [answerer] })
    await c.down('Bob')
    let alice = await c.up('Alice', { flows: [asker], ...noTimerResend })
    const { flowId } = alice.startFlow(asker, 7)
    await eventually(() => c.member('Alice').network!.stats.dials >= 3, 20_000, 'Alice re-dialling Bob')
    expect((await alice.tableCounts()).outbox).toBe(1) // the session init, unacknowledged

    // Alice's process goes down too: the init is on disk, and goes out once both are back.
    await c.down('Alice')
    const onDisk = snapshot(c.dbFile('Alice'))
    expect(onDisk.outbox).toHaveLength(1)
    expect(onDisk.outbox![0]).toContain(`"session_key":"i:`)
    alice = await c.up('Alice')
    const result = alice.resultOf(flowId)
    await sleep(200)
    expect((await alice.tableCounts()).outbox).toBe(1)

    const bob = await c.up('Bob')
    await expect(result).resolves.toBe(4 * 7 + 104)
    await eventually(async () => (await alice.tableCounts()).outbox + (await bob.tableCounts()).outbox === 0, 20_000, 'empty outboxes')
    expect(effects.get('answerer-plus-7')).toBe(1)
    expect(effects.get('asker-double-7')).toBe(1)
  })

  it('mid-flow: the receiver goes down after answering, the flow finishes once it is back', async () => {
    const c = (cluster = await TcpCluster.create(['Alice', 'Bob']))
    await c.up('Bob', { responders: [answerer] })
    const alice = await c.up('Alice', { flows: [asker] })
    const handle = alice.startFlow(asker, 8)
    await eventually(() => effects.get('answerer-plus-8') === 1, 20_000, "Bob's first step")
    await c.down('Bob')
    await sleep(300)
    const bob = await c.up('Bob')
    await expect(handle.result).resolves.toBe(4 * 8 + 104)
    await eventually(async () => (await alice.tableCounts()).outbox + (await bob.tableCounts()).outbox === 0, 20_000, 'empty outboxes')
    expect(effects.get('answerer-plus-8')).toBe(1)
    expect(effects.get('asker-double-8')).toBe(1)
  })

  it('is re-dialled with exponential backoff, then reached at once when it listens again', async () => {
    const c = (cluster = await TcpCluster.create(['Alice', 'Bob']))
    // Something listens on Bob's port but is not Bob: it counts connection attempts and hangs up.
    const attempts: number[] = []
    server = createServer((socket: Socket) => {
      attempts.push(Date.now())
      socket.destroy()
    })
    await new Promise<void>((resolve) => server!.listen(c.member('Bob').port, '127.0.0.1', resolve))

    const alice = await c.up('Alice', { flows: [asker], ...noTimerResend }, { reconnect: { initialDelayMs: 20, maxDelayMs: 400 } })
    const handle = alice.startFlow(asker, 9)
    await sleep(3000)
    // Without backoff, 20 ms apart, there would be ~150 attempts; doubling to 400 ms gives about a dozen.
    expect(attempts.length).toBeGreaterThanOrEqual(4)
    expect(attempts.length).toBeLessThanOrEqual(30)
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!)
    expect(gaps.at(-1)!).toBeGreaterThanOrEqual(100) // capped at 400 with jitter: 200..400, later only under load
    expect(c.member('Alice').network!.stats.dials).toBeGreaterThanOrEqual(attempts.length)

    await new Promise((resolve) => server!.close(resolve))
    server = undefined
    await c.up('Bob', { responders: [answerer] })
    // Alice's engine re-sends only when the transport reports Bob available (its timer is 10 minutes).
    await expect(handle.result).resolves.toBe(4 * 9 + 104)
  })

  it('is dialled again when it stops answering without closing the connection', async () => {
    const c = (cluster = await TcpCluster.create(['Alice', 'Bob']))
    const silent = await silentListener(c.member('Bob').port, c.member('Bob').identity)
    server = silent.server
    const alice = await c.up('Alice', { flows: [asker], ...noTimerResend }, { silenceTimeoutMs: 300, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } })
    alice.startFlow(asker, 10)
    await eventually(() => silent.connections() >= 3, 20_000, 'Alice dialling the silent Bob again')
    expect(c.member('Alice').log.lines.some((l) => /heard nothing from Bob for 300 ms/.test(l.message))).toBe(true)
    expect((await alice.tableCounts()).outbox).toBe(1)
  })
})
