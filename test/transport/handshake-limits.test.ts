/**
 * The parts of the handshake limits on their own: which source a connection counts against, how slots
 * are given and taken back, the rate-limited refusal log, and the options' checks.
 */
import { describe, expect, it } from 'vitest'
import { addressKey } from '../../runtime/transport/address-key.js'
import { HandshakeRefusals } from '../../runtime/transport/handshake-refusals.js'
import { HandshakeSlots } from '../../runtime/transport/handshake-slots.js'
import { TcpNetwork, generateIdentity, parseNetworkMap, publicKeyText } from '../../runtime/transport/index.js'
import { recordingLogger } from './support/tcp-cluster.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('addressKey', () => {
  it('keeps an IPv4 address, unwraps an IPv4-mapped one and cuts IPv6 to its /64', () => {
    expect(addressKey('127.0.0.2')).toBe('127.0.0.2')
    expect(addressKey('::ffff:10.1.2.3')).toBe('10.1.2.3')
    expect(addressKey('2001:db8:0:1:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:0:1::/64')
    expect(addressKey('2001:db8:0:1::7')).toBe('2001:db8:0:1::/64')
    expect(addressKey('2001:DB8::1%eth0')).toBe('2001:db8:0:0::/64')
    expect(addressKey('::1')).toBe('0:0:0:0::/64')
    expect(addressKey(undefined)).toBe('unknown')
  })
})

describe('HandshakeSlots', () => {
  it('refuses an address at its own limit while others still get slots', () => {
    const slots = new HandshakeSlots<string>(2, 100)
    slots.hold('a', 'a1')
    slots.hold('a', 'a2')
    expect(slots.admit('a')).toEqual({ refused: 'address' })
    expect(slots.admit('b')).toEqual({ evict: undefined })
    expect(slots.release('a1')).toBe('a')
    expect(slots.release('a1')).toBeUndefined()
    expect(slots.admit('a')).toEqual({ evict: undefined })
  })

  it('when all are taken, takes the oldest of the busiest address for an address holding fewer, never its own', () => {
    const slots = new HandshakeSlots<string>(10, 4)
    slots.hold('a', 'a1')
    slots.hold('a', 'a2')
    slots.hold('b', 'b1')
    slots.hold('c', 'c1')
    expect(slots.admit('d')).toEqual({ evict: 'a1' })
    expect(slots.admit('b')).toEqual({ evict: 'a1' })
    expect(slots.admit('a')).toEqual({ refused: 'total' })
    slots.release('a1')
    slots.hold('d', 'd1')
    expect(slots.admit('e')).toEqual({ evict: 'a2' }) // every address holds one: the oldest of the first gives way
    expect(slots.admit('d')).toEqual({ refused: 'total' })
    expect(slots.size).toBe(4)
  })
})

describe('HandshakeRefusals', () => {
  it('logs the first refusal per address at once and the rest in one line per interval', async () => {
    const log = recordingLogger()
    const rejected: { busy?: number } = {}
    const refusals = new HandshakeRefusals('Bob', log, rejected, 100)
    for (let i = 0; i < 50; i++) refusals.refused('busy', '127.0.0.2', `127.0.0.2:${4000 + i}`, '16 connections from that address are still in their handshake')
    refusals.refused('busy', '127.0.0.3', '127.0.0.3:5000', '16 connections from that address are still in their handshake')
    expect(rejected.busy).toBe(51)
    expect(log.lines.map((line) => line.fields?.address)).toEqual(['127.0.0.2', '127.0.0.3'])
    refusals.refused('handshake-timeout', '127.0.0.2', '127.0.0.2:4001', 'no handshake within 5000 ms', 'Alice') // a reason of its own
    expect(log.lines.splice(2)).toMatchObject([{ message: /^Bob closed a connection from 127\.0\.0\.2:4001: no handshake/, fields: { party: 'Alice' } }])
    expect(log.lines[0]!.message).toMatch(
      /^Bob refused a connection from 127\.0\.0\.2:4000: 16 connections from that address are still in their handshake \(busy; 1 in all\)\. If that address is a peer/,
    )
    await sleep(150)
    expect(log.lines).toHaveLength(3) // one summary for 127.0.0.2, none for 127.0.0.3 (nothing more came)
    expect(log.lines[2]!.message).toMatch(/^Bob refused 49 more connections from 127\.0\.0\.2 in the last 0\.1 s/)
    expect(log.lines[2]!.fields).toMatchObject({ address: '127.0.0.2', reason: 'busy', refused: 49 })
    await sleep(150)
    expect(log.lines).toHaveLength(3)
    refusals.refused('busy', '127.0.0.2', '127.0.0.2:4100', 'again')
    expect(log.lines).toHaveLength(4) // a quiet interval later, the next one is logged at once again
    refusals.close()
  })
})

describe('TcpNetwork handshake options', () => {
  it('refuses limits that are not whole numbers of 1 or more', async () => {
    const alice = generateIdentity('Alice')
    const map = parseNetworkMap({ parties: [{ name: 'Alice', address: '127.0.0.1:1', publicKey: publicKeyText(alice) }] })
    const listen = { host: '127.0.0.1', port: 0 }
    await expect(TcpNetwork.start({ identity: alice, map, listen, maxHandshakesPerAddress: 0 })).rejects.toThrow(
      'maxHandshakesPerAddress is 0; use a whole number of 1 or more.',
    )
    await expect(TcpNetwork.start({ identity: alice, map, listen, maxHandshakes: 1.5 })).rejects.toThrow(
      'maxHandshakes is 1.5; use a whole number of 1 or more.',
    )
    await expect(TcpNetwork.start({ identity: alice, map, listen, handshakeTimeoutMs: -1 })).rejects.toThrow(
      'handshakeTimeoutMs is -1; use a whole number of 1 or more.',
    )
  })
})
