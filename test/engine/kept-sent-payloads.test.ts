/**
 * NodeOptions.keepSentPayloads: each send journals its payload (or a choice's branch), so node.flowMessages
 * shows what the flow sent for as long as it runs, after the peer acknowledged it and across restarts.
 * Replay does not read the kept content: a flow journaled with it replays on a node without it, and one
 * journaled without it replays on a node with it; a replay that sends another payload still fails on the
 * digest. Runs on SQLite and (engine-pg) PostgreSQL.
 */
import { afterEach, expect, it } from 'vitest'
import { z } from 'zod'
import { echoer } from '../../examples/echo-flows.js'
import { Echo } from '../../generated/echo.js'
import { type FlowMessage, type Node, NonDeterminismError, flow } from '../../runtime/engine/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { failOnReplayDeviation } from './support/hospital.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

/** Two ping rounds with Desk, each followed by a wait for a signal ('first', 'second'): the flow runs in between. */
const twoRounds = flow('kept-two-rounds', z.object({ text: z.string() }), (ctx, args) =>
  Echo.initiate(ctx, 'Desk', {
    v1: async (s) => {
      const first = await (await (await s.choose('ping')).send({ round: 0, text: args.text })).receive()
      await ctx.waitFor('first', z.null())
      const second = await (await (await first.next.choose('ping')).send({ round: 1, text: args.text })).receive()
      await ctx.waitFor('second', z.null())
      return (await second.next.choose('done')).end(second.payload.unwrap((p) => p.text))
    },
  }),
)

const session = { counterparty: 'Desk', protocol: 'Echo', version: 1, sessionId: expect.any(String), role: 'initiator' }
/** The sends of round `round` (journal indexes 3·round and 3·round + 1), with their content when `kept`. */
const roundSent = (round: number, kept: boolean) => [
  { direction: 'sent', ...session, seq: 2 * round, kind: 'choice', label: 'next', ...(kept ? { branch: 'ping' } : {}), journalKey: `/0#${3 * round}` },
  {
    direction: 'sent',
    ...session,
    seq: 2 * round + 1,
    kind: 'data',
    label: 'ping',
    ...(kept ? { payloadKept: true, payload: { round, text: 'hello' } } : { payloadKept: false }),
    journalKey: `/0#${3 * round + 1}`,
  },
]

/** Waits until the flow waits for `signal` and both outboxes are empty: what is shown then comes from the journals. */
async function settled(ops: Node, desk: Node, flowId: string, signal: string): Promise<FlowMessage[]> {
  await eventually(async () => {
    const wait = (await ops.flowStatus(flowId))?.waitingFor
    return wait?.kind === 'event' && wait.name === signal
  })
  await eventually(async () => (await ops.tableCounts()).outbox === 0 && (await desk.tableCounts()).outbox === 0)
  return (await ops.flowMessages(flowId)).messages.filter((m) => m.direction === 'sent')
}

it('shows acknowledged sent payloads and branches from the journal, on both sides, also after a restart without the option', async () => {
  cluster = new Cluster()
  const desk = await cluster.add('Desk', { responders: [echoer()], keepSentPayloads: true })
  const ops = await cluster.add('Ops', { flows: [twoRounds], protocols: [Echo], keepSentPayloads: true, evictIdleAfterMs: 0 })
  const handle = ops.startFlow(twoRounds, { text: 'hello' })
  expect(await settled(ops, desk, handle.flowId, 'first')).toEqual(roundSent(0, true))
  const history = await ops.flowMessages(handle.flowId)
  const [responder] = await desk.listFlows({ state: 'waiting' })
  const answered = await desk.flowMessages(responder!.flowId)
  expect(answered.messages.filter((m) => m.direction === 'sent')).toEqual([
    expect.objectContaining({ seq: 1, kind: 'data', label: 'echo', payloadKept: true, payload: { round: 0, text: 'hello' }, journalKey: '/r#2' }),
  ])

  // Without the option: the entries journaled with it replay (the flow was evicted, so it is rebuilt) and still show;
  // the sends of the second round keep only their digest.
  const plain = await cluster.crashAndRestart('Ops', { flows: [twoRounds], protocols: [Echo], evictIdleAfterMs: 0 })
  expect(await plain.flowMessages(handle.flowId)).toEqual(history)
  await plain.signal(handle.flowId, 'first', null)
  expect(await settled(plain, desk, handle.flowId, 'second')).toEqual([...roundSent(0, true), ...roundSent(1, false)])
  await plain.signal(handle.flowId, 'second', null)
  await expect(plain.resultOf(handle.flowId)).resolves.toBe('hello')
})

it('keeps no sent payload by default, and replays sends journaled without it on a node with it', async () => {
  cluster = new Cluster()
  const desk = await cluster.add('Desk', { responders: [echoer()] })
  const ops = await cluster.add('Ops', { flows: [twoRounds], protocols: [Echo] })
  const handle = ops.startFlow(twoRounds, { text: 'hello' })
  expect(await settled(ops, desk, handle.flowId, 'first')).toEqual(roundSent(0, false))

  const keeping = await cluster.crashAndRestart('Ops', { flows: [twoRounds], protocols: [Echo], keepSentPayloads: true })
  await keeping.signal(handle.flowId, 'first', null)
  expect(await settled(keeping, desk, handle.flowId, 'second')).toEqual([...roundSent(0, false), ...roundSent(1, true)])
  await keeping.signal(handle.flowId, 'second', null)
  await expect(keeping.resultOf(handle.flowId)).resolves.toBe('hello')
})

let drifted = false
/** Sends another text once `drifted` is set: a replay after it deviates from the journal. */
const drifting = flow('kept-drifting', z.null(), (ctx) =>
  Echo.initiate(ctx, 'Desk', {
    v1: async (s) => {
      await (await s.choose('ping')).send({ round: 0, text: drifted ? 'second' : 'first' })
      await ctx.waitFor('release', z.null())
      throw new Error('not released in this test')
    },
  }),
)

it('still fails a replay that sends another payload, on the digest, whatever payload the journal keeps', async () => {
  drifted = false
  cluster = new Cluster()
  await cluster.add('Desk', { responders: [echoer()] })
  const ops = await cluster.add('Ops', { flows: [drifting], protocols: [Echo], keepSentPayloads: true, hospital: failOnReplayDeviation })
  const handle = ops.startFlow(drifting, null)
  await eventually(async () => (await ops.flowStatus(handle.flowId))?.waitingFor?.kind === 'event')
  await ops.committed()
  drifted = true
  const restarted = await cluster.crashAndRestart('Ops')
  void restarted.signal(handle.flowId, 'release', null).catch(() => {}) // rebuilds the flow by replay, if it is not yet
  await expect(restarted.resultOf(handle.flowId)).rejects.toThrow(NonDeterminismError)
})
