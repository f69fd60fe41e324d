/**
 * A stranger cannot keep peers apart by holding connections in their handshake: each source address gets
 * its own handshake slots, a connection that does not finish its handshake is closed at the deadline, and
 * when all slots are taken the newest connection of the busiest address gives way to one from an address
 * with fewer. The stranger's sockets come from 127.0.0.2 and up (a client socket bound with `localAddress`),
 * the legitimate peers from 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { TcpNetworkOptions } from '../../runtime/transport/index.js'
import { answerer, asker } from '../engine/support/rounds-flows.js'
import { RawPeer } from './support/raw-peer.js'
import { TcpCluster } from './support/tcp-cluster.js'

let cluster: TcpCluster | undefined
let stranger: RawPeer[] = []
afterEach(async () => {
  for (const raw of stranger) raw.close()
  stranger = []
  await cluster?.stopAll()
  cluster = undefined
})

let n = 0

/** Alice (client flows) and Bob (responders, with these network options), one flow run to warm up. */
async function aliceAndBob(bob: Partial<TcpNetworkOptions>): Promise<TcpCluster> {
  const c = (cluster = await TcpCluster.create(['Alice', 'Bob']))
  await c.up('Alice', { flows: [asker] })
  await c.up('Bob', { responders: [answerer] }, bob)
  await flowWorks()
  return c
}

async function flowWorks(): Promise<void> {
  const arg = 100 + n++
  await expect(cluster!.member('Alice').node!.startFlow(asker, arg).result).resolves.toBe(4 * arg + 104)
}

/** `count` idle connections to Bob spread over `addresses` source addresses from 127.0.0.2 on. */
async function idle(count: number, addresses: number, first = 2): Promise<RawPeer[]> {
  const port = cluster!.member('Bob').port
  const peers = await Promise.all(Array.from({ length: count }, (_, i) => RawPeer.connect(port, undefined, `127.0.0.${first + (i % addresses)}`)))
  stranger.push(...peers)
  return peers
}

/** Alice's process ends and starts again; resolves with how long her first flow after it took to finish. */
async function restartAlice(): Promise<number> {
  await cluster!.down('Alice')
  const started = Date.now()
  await cluster!.up('Alice')
  await flowWorks()
  return Date.now() - started
}

describe('handshake slots', () => {
  it('a restarted peer completes a flow within 2 s while a stranger holds 1,000 idle connections, closed at the deadline', async () => {
    const c = await aliceAndBob({ handshakeTimeoutMs: 8000 })
    const opened = Date.now()
    const held = await idle(1000, 100)
    expect(await restartAlice()).toBeLessThan(2000)
    expect(held.filter((raw) => raw.isClosed)).toHaveLength(0) // all still held while Alice got through
    await Promise.all(held.map((raw) => raw.closed))
    expect(Date.now() - opened).toBeGreaterThanOrEqual(7900)
    expect(c.member('Bob').network!.stats.rejected['handshake-timeout']).toBe(1000)
    const timeouts = c.member('Bob').log.lines.filter((line) => line.fields?.reason === 'handshake-timeout')
    expect(timeouts).toHaveLength(100) // one line per address, not one per connection
    expect(timeouts[0]!.message).toMatch(/^Bob closed a connection from 127\.0\.0\.\d+:\d+: no handshake within 8000 ms \(handshake-timeout; \d+ in all\)/)
    expect(c.member('Bob').network!.stats.rejected.busy ?? 0).toBe(0)
  }, 60_000)

  it('refuses an address its 17th pending handshake, logs one line for many refusals, and serves other addresses', async () => {
    const c = await aliceAndBob({})
    const bob = c.member('Bob')
    const held = await idle(16, 1)
    const logged = bob.log.lines.length
    const refused = await idle(50, 1)
    await Promise.all(refused.map((raw) => raw.closed))
    expect(bob.network!.stats.rejected.busy).toBe(50)
    const lines = bob.log.lines.slice(logged).filter((line) => line.fields?.reason === 'busy')
    expect(lines).toHaveLength(1)
    expect(lines[0]!.message).toMatch(/127\.0\.0\.2.*16 connections from that address are still in their handshake/)
    expect(lines[0]!.fields).toMatchObject({ party: 'unknown', reason: 'busy', address: '127.0.0.2' })
    const other = await idle(16, 1, 3) // another address has slots of its own
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect([...held, ...other].filter((raw) => raw.isClosed)).toHaveLength(0)
    expect(await restartAlice()).toBeLessThan(2000)
  }, 60_000)

  it('when all slots are taken, the busiest address gives up its oldest connection to one from another address', async () => {
    const c = await aliceAndBob({ maxHandshakes: 20, maxHandshakesPerAddress: 8 })
    const bob = c.member('Bob')
    const busiest = await idle(8, 1, 2)
    await idle(8, 1, 3)
    await idle(4, 1, 4)
    const newcomer = await idle(1, 1, 5)
    await busiest[0]!.closed
    expect(busiest.slice(1).filter((raw) => raw.isClosed)).toHaveLength(0)
    expect(newcomer[0]!.isClosed).toBe(false)
    expect(bob.network!.stats.rejected.busy).toBe(1)
    expect(await restartAlice()).toBeLessThan(2000) // all 20 slots were taken: Alice's connection gets one
  }, 60_000)
})
