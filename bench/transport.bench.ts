/**
 * Transport benchmark: two TcpNetworks on loopback in one process, endpoints that accept at once (no
 * engine, no SQLite), so the figures are the transport's own: signing cost, frames and envelopes per
 * second in a burst (batched), and request/reply as a flow uses it (the requester waits for the reply; the
 * acknowledgements trail within 3 ms) one at a time and 32 at a time, compared with a plain unsigned TCP
 * ping-pong measured in the same run. Writes bench/results/transport.json.
 *
 *   npx tsx bench/transport.bench.ts
 */
import { randomBytes, sign, verify } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { type Socket, connect, createServer } from 'node:net'
import path from 'node:path'
import type { Endpoint, Envelope } from '../runtime/network/index.js'
import { TcpNetwork, generateIdentity, parseNetworkMap, publicKeyText } from '../runtime/transport/index.js'
import { decodeEnvelopeItem, encodeEnvelopeItem } from '../runtime/transport/envelope-codec.js'
import { decodeItems } from '../runtime/transport/frame-codec.js'
import { checkEnvelope } from '../runtime/transport/wire-schema.js'
import { freePort } from '../scripts/lib/process-cluster.js'
import { machineInfo } from './support/machine.js'

const now = () => Number(process.hrtime.bigint()) / 1000 // microseconds
const silent = { info() {}, warn() {}, error() {} }

interface Metric {
  value: number
  unit: string
}
const metrics: Record<string, Metric> = {}
const put = (name: string, value: number, unit: string) => (metrics[name] = { value: Math.round(value * 10) / 10, unit })

function p50(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function envelope(i: number, payload: unknown): Envelope {
  return { id: `bench/i${i}`, from: 'Alice', to: 'Bob', body: { t: 'data', session: 'bench', dir: 'i', seq: i, frame: { kind: 'data', label: 'x', payload } } }
}

// ---- signing ----

function signingCost(bytes: number): { signUs: number; verifyUs: number } {
  const { privateKey, publicKey } = generateIdentity('x')
  const data = randomBytes(bytes)
  const rounds = 3000
  let signature = sign(null, data, privateKey)
  let t0 = now()
  for (let i = 0; i < rounds; i++) signature = sign(null, data, privateKey)
  const signUs = (now() - t0) / rounds
  t0 = now()
  for (let i = 0; i < rounds; i++) verify(null, data, publicKey, signature)
  return { signUs, verifyUs: (now() - t0) / rounds }
}

/** Encoding an envelope into a batch item, and decoding plus schema-checking it on the other side. */
function codecCost(payload: unknown): { encodeUs: number; decodeUs: number } {
  const rounds = 20_000
  let item: Buffer = Buffer.alloc(0)
  let t0 = now()
  for (let i = 0; i < rounds; i++) item = encodeEnvelopeItem(envelope(i, payload))
  const encodeUs = (now() - t0) / rounds
  const [parsed] = decodeItems(item) as { kind: number; content: Buffer }[]
  t0 = now()
  for (let i = 0; i < rounds; i++) if (!checkEnvelope(decodeEnvelopeItem(parsed!)).ok) throw new Error('bench envelope does not check')
  return { encodeUs, decodeUs: (now() - t0) / rounds }
}

// ---- two networks ----

class Sink implements Endpoint {
  acked = 0
  onAck: () => void = () => {}
  onAvailable: () => void = () => {}
  onDeliver: (envelope: Envelope) => void = () => {}
  async deliver(envelope: Envelope): Promise<void> {
    this.onDeliver(envelope)
  }
  acknowledged(): void {
    this.acked++
    this.onAck()
  }
  peerAvailable(): void {
    this.onAvailable()
  }
}

async function networks(replying = false) {
  const alice = generateIdentity('Alice')
  const bob = generateIdentity('Bob')
  const [alicePort, bobPort] = [await freePort(), await freePort()]
  const map = parseNetworkMap({
    parties: [
      { name: 'Alice', address: `127.0.0.1:${alicePort}`, publicKey: publicKeyText(alice) },
      { name: 'Bob', address: `127.0.0.1:${bobPort}`, publicKey: publicKeyText(bob) },
    ],
  })
  const bobNet = await TcpNetwork.start({ identity: bob, map, listen: { host: '127.0.0.1', port: bobPort }, logger: silent })
  const aliceNet = await TcpNetwork.start({ identity: alice, map, listen: { host: '127.0.0.1', port: alicePort }, logger: silent })
  const a = new Sink()
  const b = new Sink()
  const port = aliceNet.attach('Alice', a)
  const bobSide = bobNet.attach('Bob', b)
  // When replying, Bob answers every request as a responder does: the reply is what the requester waits for.
  b.onDeliver = (request) => {
    if (!replying || request.body.t !== 'data') return
    bobSide.send({ id: `bench/r${request.body.seq}`, from: 'Bob', to: 'Alice', body: { ...request.body, dir: 'r' } })
  }
  await new Promise<void>((resolve) => {
    a.onAvailable = resolve
    port.send(envelope(-1, null)) // dials; dropped until the link is up
  })
  a.onAvailable = () => {}
  if (replying) {
    // Bob's connection to Alice is dialled on demand too; like the warm-up above, resend until one arrives.
    await new Promise<void>((resolve) => {
      const warm: Envelope = {
        id: 'bench/warm',
        from: 'Bob',
        to: 'Alice',
        body: { t: 'data', session: 'bench', dir: 'r', seq: 0, frame: { kind: 'data', label: 'x', payload: null } },
      }
      const timer = setInterval(() => bobSide.send(warm), 20)
      a.onDeliver = () => {
        clearInterval(timer)
        resolve()
      }
      bobSide.send(warm)
    })
    a.onDeliver = () => {}
  }
  return { aliceNet, bobNet, port, a }
}

/** Sends `count` envelopes in one go and waits for every acknowledgement. */
async function burst(count: number, payload: unknown): Promise<{ perSecond: number; perFrame: number; framesPerSecond: number }> {
  const { aliceNet, bobNet, port, a } = await networks()
  const frames0 = aliceNet.stats.framesSent
  const t0 = now()
  await new Promise<void>((resolve) => {
    a.onAck = () => a.acked === count && resolve()
    for (let i = 0; i < count; i++) port.send(envelope(i, payload))
  })
  const seconds = (now() - t0) / 1e6
  const frames = aliceNet.stats.framesSent - frames0
  await aliceNet.close()
  await bobNet.close()
  return { perSecond: count / seconds, perFrame: count / frames, framesPerSecond: (frames + bobNet.stats.framesSent) / seconds }
}

/** One request at a time: the next leaves when the previous one's reply arrived (acknowledgements trail). */
async function pingPong(count: number): Promise<{ rttUs: number; framesPerSecond: number }> {
  const { aliceNet, bobNet, port, a } = await networks(true)
  const samples: number[] = []
  const t0 = now()
  for (let i = 0; i < count; i++) {
    const start = now()
    await new Promise<void>((resolve) => {
      a.onDeliver = () => resolve()
      port.send(envelope(i, 'ping'))
    })
    samples.push(now() - start)
  }
  const seconds = (now() - t0) / 1e6
  const frames = aliceNet.stats.framesSent + bobNet.stats.framesSent
  await aliceNet.close()
  await bobNet.close()
  return { rttUs: p50(samples.slice(100)), framesPerSecond: frames / seconds }
}

/** `inFlight` requests outstanding at all times, each reply releasing the next. */
async function window(count: number, inFlight: number): Promise<{ perSecond: number; framesPerSecond: number }> {
  const { aliceNet, bobNet, port, a } = await networks(true)
  let sent = 0
  let replies = 0
  const t0 = now()
  await new Promise<void>((resolve) => {
    a.onDeliver = () => {
      if (++replies === count) resolve()
      else if (sent < count) port.send(envelope(sent++, 'ping'))
    }
    for (; sent < inFlight; sent++) port.send(envelope(sent, 'ping'))
  })
  const seconds = (now() - t0) / 1e6
  const frames = aliceNet.stats.framesSent + bobNet.stats.framesSent
  await aliceNet.close()
  await bobNet.close()
  return { perSecond: count / seconds, framesPerSecond: frames / seconds }
}

/** Baseline: the same request/answer pattern over a plain TCP socket, no signing, no JSON. */
async function rawPingPong(count: number): Promise<number> {
  const server = createServer((socket) => {
    socket.setNoDelay(true)
    socket.on('data', (chunk) => socket.write(chunk.subarray(0, 8)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const socket: Socket = connect({ host: '127.0.0.1', port: (server.address() as { port: number }).port, noDelay: true })
  await new Promise((resolve) => socket.once('connect', resolve))
  const message = randomBytes(300)
  const samples: number[] = []
  for (let i = 0; i < count; i++) {
    const start = now()
    await new Promise<void>((resolve) => {
      socket.once('data', () => resolve())
      socket.write(message)
    })
    samples.push(now() - start)
  }
  socket.destroy()
  await new Promise((resolve) => server.close(resolve))
  return p50(samples.slice(100))
}

async function main(): Promise<void> {
  const small = { label: 'hello', amount: 42 }
  const sig300 = signingCost(300)
  const sig64k = signingCost(64 * 1024)
  put('sign_300B_us', sig300.signUs, 'us')
  put('verify_300B_us', sig300.verifyUs, 'us')
  put('sign_64KiB_us', sig64k.signUs, 'us')
  put('verify_64KiB_us', sig64k.verifyUs, 'us')
  const codec = codecCost(small)
  put('encode_small_envelope_us', codec.encodeUs, 'us')
  put('decode_check_small_envelope_us', codec.decodeUs, 'us')

  const smallBurst = await burst(50_000, small)
  put('burst_small_envelopes_per_s', smallBurst.perSecond, 'envelopes/s')
  put('burst_small_envelopes_per_frame', smallBurst.perFrame, 'envelopes/frame')
  const textBurst = await burst(5_000, 'x'.repeat(10_000))
  put('burst_10KB_text_MB_per_s', (textBurst.perSecond * 10_000) / 1e6, 'MB/s')
  const bytesBurst = await burst(2_000, randomBytes(64 * 1024))
  put('burst_64KiB_bytes_MB_per_s', (bytesBurst.perSecond * 64 * 1024) / 1e6, 'MB/s')

  const raw = await rawPingPong(3000)
  const signed = await pingPong(3000)
  put('raw_tcp_roundtrip_p50_us', raw, 'us')
  put('signed_request_reply_p50_us', signed.rttUs, 'us')
  put('signed_request_reply_vs_raw_tcp', signed.rttUs / raw, 'x')
  // Each request and reply signs and verifies one frame; acknowledgements follow within 3 ms, batched.
  put('sign_verify_per_request_reply_us', 2 * (sig300.signUs + sig300.verifyUs), 'us')
  put('one_in_flight_frames_per_s', signed.framesPerSecond, 'frames/s')
  const windowed = await window(50_000, 32)
  put('32_in_flight_request_replies_per_s', windowed.perSecond, 'replies/s')
  put('32_in_flight_frames_per_s', windowed.framesPerSecond, 'frames/s')

  console.log('\nTransport benchmark (loopback, one process, endpoints without an engine)\n')
  const width = Math.max(...Object.keys(metrics).map((k) => k.length))
  for (const [name, { value, unit }] of Object.entries(metrics)) console.log(`${name.padEnd(width)}  ${String(value).padStart(10)} ${unit}`)
  const result = {
    suite: 'transport',
    machine: machineInfo(),
    metrics,
  }
  const out = path.join(import.meta.dirname, 'results')
  mkdirSync(out, { recursive: true })
  writeFileSync(path.join(out, 'transport.json'), `${JSON.stringify(result, null, 2)}\n`)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
