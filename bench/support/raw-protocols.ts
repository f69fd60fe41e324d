/**
 * Raw protocols (no zod, no generated states) for the messaging benchmarks: they measure the engine and
 * the transport, not schema checks. Shared by the in-process and the cross-process runtime benchmarks.
 */
import { type Node, flow } from '../../runtime/engine/index.js'
import type { ResponderRegistration, SessionChannel } from '../../runtime/protocol/session/index.js'

export const rawVersions = [{ version: 1, hash: 'sha256:echo' }]

/** Echoes every frame until it receives `stop`. */
export const echoResponder: ResponderRegistration = {
  protocol: 'Echo',
  versions: rawVersions,
  run: async (channel: SessionChannel) => {
    for (;;) {
      const frame = await channel.receive()
      if (frame.kind === 'data' && frame.label === 'stop') return channel.close?.()
      await channel.send(frame)
    }
  },
}

/** One ping, one pong, both sides end: the shortest complete two-party flow. */
export const pongResponder: ResponderRegistration = {
  protocol: 'PingPong',
  versions: rawVersions,
  run: async (channel) => {
    await channel.receive()
    await channel.send({ kind: 'data', label: 'pong', payload: 'pong' })
    return channel.close?.()
  },
}

export function pingPongFlow(peer: string) {
  return flow('ping-pong', async (ctx) => {
    const channel = await ctx.openSession({ protocol: 'PingPong', counterparty: peer, versions: rawVersions })
    await channel.send({ kind: 'data', label: 'ping', payload: 'ping' })
    const reply = await channel.receive()
    await channel.close?.()
    return reply
  })
}

/** A flow that opens an Echo session and times `n` durable round trips; samples in microseconds. */
export function pingerFlow(peer: string, samples: number[], commitReply: () => Promise<void>) {
  const now = () => Number(process.hrtime.bigint()) / 1000
  return flow('pinger', async (ctx, n: number) => {
    const channel = await ctx.openSession({ protocol: 'Echo', counterparty: peer, versions: rawVersions })
    for (let i = 0; i < n; i++) {
      const t0 = now()
      await channel.send({ kind: 'data', label: 'ping', payload: i })
      await channel.receive()
      await commitReply() // the reply's inbox row is durable too
      samples.push(now() - t0)
    }
    await channel.send({ kind: 'data', label: 'stop', payload: null })
    await channel.close?.()
  })
}

/** Completed ping-pong flows per second started from `node`, `inFlight` at a time (after one warm-up wave). */
export async function pingPongThroughput(node: Node, peer: string, total: number, inFlight: number): Promise<number> {
  const pingPong = pingPongFlow(peer)
  const runOne = async (): Promise<void> => {
    await node.startFlow(pingPong, undefined).result
  }
  await Promise.all(Array.from({ length: inFlight }, runOne))
  let started = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (started < total) {
        started++
        await runOne()
      }
    }),
  )
  return total / ((performance.now() - t0) / 1000)
}
