/**
 * Party names cannot hold ':'. A node keys the sessions others open with it as `r:<party>:<session id>`,
 * and the party picks the session id: were `A` and `A:B` both members, `A` could write into the sessions of
 * `A:B` by opening a session whose id starts with `B:`. So such a name is refused wherever a party name
 * enters a node: the network map, the node's own name, and the in-memory network.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createNode } from '../../runtime/create-node.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'
import { generateIdentity, parseNetworkMap, publicKeyText } from '../../runtime/transport/index.js'

const dir = mkdtempSync(join(tmpdir(), 'colloquy-party-names-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const entry = (name: string, port: number) => ({ name, address: `127.0.0.1:${port}`, publicKey: publicKeyText(generateIdentity(name)) })
const endpoint = { deliver: async () => {}, acknowledged: () => {}, peerAvailable: () => {} }

describe("a party name with ':' (party A could take over the session keys of party A:B)", () => {
  it('is refused in the network map, naming the party, the character and the rule', () => {
    const map = { parties: [entry('A', 7001), entry('A:B', 7002)] }
    expect(() => parseNetworkMap(map, 'map.json')).toThrow(
      expect.objectContaining({
        code: 'NETWORK_MAP',
        message: expect.stringContaining(`map.json: party #1 field 'name' "A:B" contains ':' (U+003A); a party name is 1 to 128 letters, digits`),
      }),
    )
  })

  it('is refused as the name of a node, before it opens anything', async () => {
    await expect(createNode({ name: 'A:B', store: join(dir, 'ab.db'), network: new InMemoryNetwork() })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining(`The node name "A:B" contains ':' (U+003A);`),
    })
    expect(existsSync(join(dir, 'ab.db'))).toBe(false)
  })

  it('is refused by the in-memory network, attached or declared', () => {
    const net = new InMemoryNetwork()
    expect(() => net.attach('A:B', endpoint)).toThrow(
      expect.objectContaining({ code: 'NETWORK_ENDPOINT', message: expect.stringContaining(`"A:B" contains ':'`) }),
    )
    expect(() => net.declare('Bob\nINFO forged')).toThrow(expect.objectContaining({ code: 'NETWORK_ENDPOINT' }))
    expect(() => new InMemoryNetwork({ parties: ['A:B'] })).toThrow(expect.objectContaining({ code: 'NETWORK_ENDPOINT' }))
  })

  it('while valid names still work everywhere', () => {
    expect(parseNetworkMap({ parties: [entry('A', 7001), entry('A B', 7002), entry('bank-1.eu_2', 7003)] }).parties).toHaveLength(3)
    expect(() => new InMemoryNetwork({ parties: ['Zürich'] }).attach('A', endpoint)).not.toThrow()
  })
})
