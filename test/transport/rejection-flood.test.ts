/**
 * A peer sending the same bad thing over and over gets a bounded number of log lines: the first few are
 * logged as they come, the rest are counted and reported in one summary per reason, peer and interval.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { frame } from '../../runtime/transport/frame-codec.js'
import { RawPeer, envelopeItem } from './support/raw-peer.js'
import { type LogLine, TcpCluster, eventually } from './support/tcp-cluster.js'

let cluster: TcpCluster
const intervalMs = 300

beforeAll(async () => {
  cluster = await TcpCluster.create(['Bob', 'Mallory'])
  await cluster.up('Bob', {}, { rejectionLog: { intervalMs } })
})
afterAll(async () => cluster?.stopAll())

const bob = () => cluster.member('Bob')
const malformedLines = (from: number, party: string) =>
  bob()
    .log.lines.slice(from)
    .filter((line: LogLine) => line.fields?.reason === 'malformed' && line.fields?.party === party)
const suppressed = (lines: LogLine[]) => lines.reduce((sum, line) => sum + ((line.fields?.suppressed as number | undefined) ?? 0), 0)

describe('rejections flooding in', () => {
  it('10,000 bad frames from a member produce a bounded number of log lines, with a count of the rest', { timeout: 60_000 }, async () => {
    const net = bob().network!
    const before = net.stats.rejected.malformed ?? 0
    const from = bob().log.lines.length
    const raw = await RawPeer.connect(bob().port, cluster.member('Mallory').identity)
    const mallory = await raw.handshake(cluster.member('Mallory').identity)
    const started = Date.now()
    for (let i = 0; i < 10_000; i += 500) {
      raw.write(Buffer.concat(Array.from({ length: 500 }, () => mallory.batch([envelopeItem('{"not json')]))))
      await new Promise((resolve) => setImmediate(resolve))
    }
    await eventually(() => (net.stats.rejected.malformed ?? 0) - before >= 10_000, 30_000, '10,000 rejections')
    await eventually(
      () => suppressed(malformedLines(from, 'Mallory')) + malformedLines(from, 'Mallory').filter((l) => !l.fields?.suppressed).length >= 10_000,
      10_000,
      'a summary',
    )
    const lines = malformedLines(from, 'Mallory')
    const single = lines.filter((line) => line.fields?.suppressed === undefined)
    const summaries = lines.filter((line) => line.fields?.suppressed !== undefined)
    expect(single).toHaveLength(10)
    expect(single[0]!.message).toMatch(/^Bob rejected an envelope that is not JSON .* from Mallory at 127\.0\.0\.1:\d+ \(malformed\)\.$/)
    expect(summaries.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / intervalMs) + 1)
    expect(suppressed(summaries)).toBe(10_000 - 10)
    expect(summaries[0]!.message).toMatch(
      /^Bob rejected \d+ more items \(malformed\) from Mallory at 127\.0\.0\.1:\d+ since \d{4}-\d\d-\d\dT[\d:.]+Z without logging each; the last was an envelope that is not JSON/,
    )
    expect(summaries[0]!.fields).toMatchObject({ party: 'Mallory', reason: 'malformed', authenticated: true, since: expect.any(String) })
    raw.close()
  })

  it('garbage from many connections of one host is summarized too', { timeout: 60_000 }, async () => {
    const net = bob().network!
    const before = net.stats.rejected.malformed ?? 0
    const from = bob().log.lines.length
    for (let round = 0; round < 4; round++) {
      const peers = await Promise.all(Array.from({ length: 50 }, () => RawPeer.connect(bob().port)))
      for (const peer of peers) peer.write(frame(Buffer.from('GET / HTTP/1.1\r\n\r\n')))
      await Promise.all(peers.map((peer) => peer.closed))
    }
    await eventually(() => (net.stats.rejected.malformed ?? 0) - before >= 200, 30_000, '200 rejections')
    await eventually(() => suppressed(malformedLines(from, 'unknown')) === 190, 10_000, 'a summary of 190')
    expect(malformedLines(from, 'unknown').length).toBeLessThanOrEqual(10 + 3)
  })

  it('a peer that stops and comes back after the interval is logged again at once', async () => {
    await new Promise((resolve) => setTimeout(resolve, 3 * intervalMs))
    const from = bob().log.lines.length
    const raw = await RawPeer.connect(bob().port, cluster.member('Mallory').identity)
    const mallory = await raw.handshake(cluster.member('Mallory').identity)
    mallory.send([envelopeItem('{"not json')])
    await eventually(() => malformedLines(from, 'Mallory').length === 1, 10_000, 'the rejection logged')
    raw.close()
  })
})
