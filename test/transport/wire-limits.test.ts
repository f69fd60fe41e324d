/**
 * Values over the wire limits are refused before they are decoded: a bigint of 900,000 digits costs the
 * node no more than reading its text, and a member flooding such frames leaves legitimate flows most of
 * their throughput.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InvalidOptionError } from '../../runtime/protocol/errors/invalid-option-error.js'
import { TcpNetwork, generateIdentity, parseNetworkMap, publicKeyText } from '../../runtime/transport/index.js'
import { WireJsonError, decodeWireJson } from '../../runtime/transport/wire-json.js'
import { DEFAULT_WIRE_LIMITS } from '../../runtime/transport/wire-limits.js'
import { asker, answerer } from '../engine/support/rounds-flows.js'
import { RawPeer, envelopeItem } from './support/raw-peer.js'
import { TcpCluster, eventually } from './support/tcp-cluster.js'

const hugeBigint = `{"id":"x","from":"Mallory","to":"Bob","body":{"$bigint":"${'9'.repeat(900_000)}"}}`

function decodeMs(text: string, limits = DEFAULT_WIRE_LIMITS): { ms: number; error: unknown } {
  const started = performance.now()
  try {
    decodeWireJson(text, [], limits)
    return { ms: performance.now() - started, error: undefined }
  } catch (error) {
    return { ms: performance.now() - started, error }
  }
}

describe('wire limits', () => {
  it('refuse a bigint of 900,000 digits without decoding it', () => {
    decodeMs(hugeBigint) // warm up
    const { ms, error } = decodeMs(hugeBigint)
    expect(error).toBeInstanceOf(WireJsonError)
    expect((error as Error).message).toMatch(/\$bigint of 900000 digits, over the limit of 4096 \(bigintDigits\)/)
    expect(ms).toBeLessThan(10)
    expect(decodeWireJson(`{"$bigint":"-${'7'.repeat(4096)}"}`)).toBe(-BigInt('7'.repeat(4096)))
  })

  it('refuse strings, byte arrays, arrays and nesting over their limits', () => {
    const tight = { ...DEFAULT_WIRE_LIMITS, stringChars: 8, bytes: 6, arrayItems: 3, depth: 4 }
    const refused = (text: string, what: RegExp) => {
      const { error } = decodeMs(text, tight)
      expect(error).toBeInstanceOf(WireJsonError)
      expect((error as Error).message).toMatch(what)
    }
    refused('{"a":"123456789"}', /a string of 9 characters, over the limit of 8 \(stringChars\)/)
    refused('{"123456789":1}', /a key of 9 characters/)
    refused(`{"$bytes":"${Buffer.alloc(9).toString('base64')}"}`, /a \$bytes tag of 9 bytes, over the limit of 6 \(bytes\)/)
    refused('[1,2,3,4]', /an array of 4 items, over the limit of 3 \(arrayItems\)/)
    refused('{"$set":[1,2,3,4]}', /an array of 4 items/)
    refused('{"$map":[[1,1],[2,2],[3,3],[4,4]]}', /an array of 4 items/)
    refused('[[[[[[1]]]]]]', /nested deeper than 4 levels/)
    expect(decodeWireJson('{"a":"12345678","b":[1,2,{"$bytes":"AAAAAAAA"}]}', [], tight)).toEqual({ a: '12345678', b: [1, 2, new Uint8Array(6)] })
  })

  it('are options of TcpNetwork, checked at start', async () => {
    const identity = generateIdentity('Solo')
    const map = parseNetworkMap({ parties: [{ name: 'Solo', address: '127.0.0.1:1', publicKey: publicKeyText(identity) }] }, 'a map')
    const start = (limits: object) => TcpNetwork.start({ identity, map, listen: { host: '127.0.0.1', port: 0 }, limits })
    await expect(start({ bigintDigits: 0 })).rejects.toThrow(InvalidOptionError)
    await expect(start({ depth: 1.5 })).rejects.toThrow(/limits.depth is 1.5; use a whole number of at least 1 \(the default is 200\)/)
  })
})

describe('a member flooding frames with huge bigints', () => {
  let cluster: TcpCluster
  beforeAll(async () => {
    cluster = await TcpCluster.create(['Alice', 'Bob', 'Mallory'])
    await cluster.up('Alice', { flows: [asker] })
    await cluster.up('Bob', { responders: [answerer] })
  })
  afterAll(async () => cluster?.stopAll())

  let next = 1
  /** Runs `count` flows from Alice to Bob, `parallel` at a time; resolves with the milliseconds taken. */
  async function flows(count: number, parallel = 4): Promise<number> {
    const started = performance.now()
    let left = count
    const lane = async () => {
      while (left-- > 0) {
        const n = next++
        await expect(cluster.member('Alice').node!.startFlow(asker, n).result).resolves.toBe(4 * n + 104)
      }
    }
    await Promise.all(Array.from({ length: parallel }, lane))
    return performance.now() - started
  }

  it('leaves legitimate flows at least half their throughput', { timeout: 180_000 }, async () => {
    await flows(20) // warm up
    const count = 400
    const baseline = Math.min(await flows(count), await flows(count))
    const raw = await RawPeer.connect(cluster.member('Bob').port, cluster.member('Mallory').identity)
    const mallory = await raw.handshake(cluster.member('Mallory').identity)
    const bob = cluster.member('Bob').network!
    const malformed = bob.stats.rejected.malformed ?? 0
    let sent = 0
    /** The flows again while 40 frames with a 900,000-digit bigint arrive spread over the baseline's time. */
    const attackedRun = async () => {
      // Signed beforehand: what the attacker spends is not charged to the node, which shares this process.
      const frames = Array.from({ length: 40 }, () => {
        const i = sent++
        const envelope = `{"id":"big-${i}/init","from":"Mallory","to":"Bob","body":{"t":"init","session":"big-${i}","protocol":"Rounds","versions":[{"version":1,"hash":"sha256:x"}],"first":{"kind":"data","label":"q1","payload":{"$bigint":"${'9'.repeat(900_000)}"}}}}`
        return mallory.batch([envelopeItem(envelope)])
      })
      const flood = (async () => {
        for (const frame of frames) {
          raw.write(frame)
          await new Promise((resolve) => setTimeout(resolve, baseline / 40))
        }
      })()
      const ms = await flows(count)
      await flood
      return ms
    }
    // Two tries each way: the machine is shared, and a slow baseline or a slow attacked run is noise.
    const attacked = Math.min(await attackedRun(), await attackedRun())
    expect(baseline / attacked, `${count} flows took ${Math.round(baseline)} ms alone and ${Math.round(attacked)} ms under the flood`).toBeGreaterThanOrEqual(
      0.5,
    )
    await eventually(() => (bob.stats.rejected.malformed ?? 0) - malformed >= sent, 60_000, `${sent} malformed frames refused`)
    raw.close()
  })
})
