/**
 * Who an InMemoryNetwork knows (parties declared up front or attached at some time, also once detached),
 * as the network and its ports answer; and the "did you mean" hint the engine gives for an unknown name.
 */
import { describe, expect, it } from 'vitest'
import { closestName } from '../../runtime/engine/closest-name.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'
import { recordingEndpoint } from './support/recording-endpoint.js'

describe('InMemoryNetwork: known parties', () => {
  it('knows parties declared by option or declare, and every party that attached, also after it detached', () => {
    const network = new InMemoryNetwork({ parties: ['Carol'] })
    const port = network.attach('Alice', recordingEndpoint())
    expect(port.knows('Carol')).toBe(true)
    expect(port.knows('Bob')).toBe(false)
    network.declare('Dave', 'Erin')
    const bob = network.attach('Bob', recordingEndpoint())
    bob.detach()
    for (const party of ['Alice', 'Bob', 'Carol', 'Dave', 'Erin']) expect(network.knows(party)).toBe(true)
    expect(network.knows('Mallory')).toBe(false)
    expect(port.roster()).toEqual({
      parties: ['Alice', 'Bob', 'Carol', 'Dave', 'Erin'],
      source: 'the in-memory network',
      remedy: 'declare a party whose node attaches later with network.declare(name) or the parties option of InMemoryNetwork',
    })
  })
})

describe('closestName', () => {
  it('suggests a name a typo away or differing only in case, the closest first, and nothing when none is close', () => {
    expect(closestName('Bobb', ['Alice', 'Bob'])).toBe('Bob')
    expect(closestName('bob', ['Alice', 'Bobby', 'Bob'])).toBe('Bob')
    expect(closestName('PartyC', ['PartyA', 'PartyB', 'PartyCC'])).toBe('PartyA') // ties: the first
    expect(closestName('Bbo', ['Alice', 'Bob'])).toBeUndefined() // two edits in three letters: not a typo
    expect(closestName('Zed', ['Alice', 'Bob'])).toBeUndefined()
    expect(closestName('Bob', [])).toBeUndefined()
  })
})
