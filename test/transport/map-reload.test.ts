/**
 * A running node takes a reloaded network map (`TcpNetwork.replaceMap`, what SIGHUP does in `colloquy node`):
 * a peer that rotated its key is refused until the map with its new key is taken, then accepted without a
 * restart; a map that does not list the node with its own key is not taken.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { demoInitiator, demoResponder } from '../../examples/demo-flows.js'
import { flow } from '../../runtime/engine/index.js'
import { NetworkMapError, generateIdentity, parseNetworkMap, publicKeyText } from '../../runtime/transport/index.js'
import { TcpCluster, eventually } from './support/tcp-cluster.js'

let cluster: TcpCluster | undefined
afterEach(async () => {
  await cluster?.stopAll()
  cluster = undefined
})

const demo = flow('demo-to', async (ctx, to: string) => demoInitiator(ctx, to, 7))
const answer = { name: 'Hello, you sent 7, Bob', count: 7 }

describe('reloading the network map', () => {
  it('accepts a peer’s rotated key once the new map is taken, without restarting', async () => {
    const c = (cluster = await TcpCluster.create(['Alice', 'Bob']))
    const alice = await c.up('Alice', { flows: [demo] })
    await c.up('Bob', { responders: [demoResponder] })
    await expect(alice.startFlow(demo, 'Bob').result).resolves.toEqual(answer)

    // Bob restarts with a new key and a map that lists it; Alice still runs on the old map.
    await c.down('Bob')
    const rotated = generateIdentity('Bob')
    Object.assign(c.member('Bob'), { identity: rotated })
    const next = parseNetworkMap({
      parties: c.map.toJSON().parties.map((p) => (p.name === 'Bob' ? { ...p, publicKey: publicKeyText(rotated) } : p)),
    })
    const oldMap = c.map
    c.map = next
    await c.up('Bob')
    const alicesNetwork = c.member('Alice').network!
    expect(alicesNetwork.map).toBe(oldMap)
    const result = alice.startFlow(demo, 'Bob').result
    let settled = false
    void result.then(() => (settled = true))
    await eventually(() => (alicesNetwork.stats.rejected['bad-signature'] ?? 0) > 0, 20_000, 'Bob refused for the key Alice does not know')
    expect(settled).toBe(false)

    expect(alicesNetwork.replaceMap(next)).toEqual(['Bob'])
    expect(alicesNetwork.map).toBe(next)
    await expect(result).resolves.toEqual(answer)
    await expect(alice.startFlow(demo, 'Bob').result).resolves.toEqual(answer)
  })

  it('keeps the map in force when the new one lists this node with another key', async () => {
    const c = (cluster = await TcpCluster.create(['Alice', 'Bob']))
    await c.up('Alice', { flows: [demo] })
    const network = c.member('Alice').network!
    const wrong = parseNetworkMap({
      parties: c.map.toJSON().parties.map((p) => (p.name === 'Alice' ? { ...p, publicKey: publicKeyText(generateIdentity('Alice')) } : p)),
    })
    expect(() => network.replaceMap(wrong)).toThrow(NetworkMapError)
    expect(() => network.replaceMap(wrong)).toThrow('The network map lists another public key for Alice than its key file holds')
    expect(network.map).toBe(c.map)
    expect(network.replaceMap(c.map)).toEqual([])
  })
})
