/**
 * node.flowMessages: the messages a running flow's journal records, in order, with session, counterparty,
 * protocol version, label and the payloads the store still holds (every received one; a sent one until the
 * peer acknowledged it), for an initiator and for the responder answering it, also once evicted; a finished
 * flow has none left, an unknown one is FlowNotFoundError. Runs on SQLite and (engine-pg) PostgreSQL.
 */
import { afterEach, expect, it } from 'vitest'
import { z } from 'zod'
import { echoer } from '../../examples/echo-flows.js'
import { Echo } from '../../generated/echo.js'
import { FlowNotFoundError, flow } from '../../runtime/engine/index.js'
import { Cluster, eventually } from './support/cluster.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

/** One ping round, then waits for `release` before it says done: the flow and the responder stay running in between. */
const pingThenWait = flow('ping-then-wait', z.object({ peer: z.string(), text: z.string() }), (ctx, args) =>
  Echo.initiate(ctx, args.peer, {
    v1: async (s) => {
      const { payload, next } = await (await (await s.choose('ping')).send({ round: 0, text: args.text })).receive()
      await ctx.waitFor('release', z.null())
      return (await next.choose('done')).end(payload.unwrap((p) => p.text))
    },
  }),
)

const session = { counterparty: 'Desk', protocol: 'Echo', version: 1, sessionId: expect.any(String) }

it("lists a running flow's messages on both sides, payloads as the store holds them, and none once it finished", async () => {
  cluster = new Cluster()
  const desk = await cluster.add('Desk', { responders: [echoer()] })
  const ops = await cluster.add('Ops', { flows: [pingThenWait], protocols: [Echo], keepFinishedFlows: 'started', evictIdleAfterMs: 0 })
  const handle = ops.startFlow(pingThenWait, { peer: 'Desk', text: 'hello' })
  await eventually(async () => (await ops.flowStatus(handle.flowId))?.waitingFor?.kind === 'event')
  // Each side acknowledged what the other sent, and the acknowledged rows left the outboxes (a lazy delete).
  await eventually(async () => (await ops.tableCounts()).outbox === 0 && (await desk.tableCounts()).outbox === 0)

  const history = await ops.flowMessages(handle.flowId)
  expect(history).toEqual({
    flowId: handle.flowId,
    finished: false,
    messages: [
      // Acknowledged: the journal keeps the label, not the frame; the state table says `next` is a choice.
      { direction: 'sent', ...session, role: 'initiator', seq: 0, kind: 'choice', label: 'next', journalKey: '/0#0' },
      { direction: 'sent', ...session, role: 'initiator', seq: 1, kind: 'data', label: 'ping', payloadKept: false, journalKey: '/0#1' },
      {
        direction: 'received',
        ...session,
        role: 'initiator',
        seq: 1,
        kind: 'data',
        label: 'echo',
        payloadKept: true,
        payload: { round: 0, text: 'hello' },
        journalKey: '/0#2',
      },
    ],
  })
  const sessionId = history.messages[0]!.sessionId

  // The responder on Desk: what it received (the choice with its branch, the ping) and the echo it sent.
  const [responder] = await desk.listFlows({ state: 'waiting' })
  const answered = await desk.flowMessages(responder!.flowId)
  const fromOps = { counterparty: 'Ops', protocol: 'Echo', version: 1, sessionId, role: 'responder' }
  expect(answered.messages).toEqual([
    { direction: 'received', ...fromOps, seq: 0, kind: 'choice', label: 'next', branch: 'ping', journalKey: '/r#0' },
    { direction: 'received', ...fromOps, seq: 1, kind: 'data', label: 'ping', payloadKept: true, payload: { round: 0, text: 'hello' }, journalKey: '/r#1' },
    { direction: 'sent', ...fromOps, seq: 1, kind: 'data', label: 'echo', payloadKept: false, journalKey: '/r#2' },
  ])

  // Read from the store: the same after a crash and restart.
  const reopened = await cluster.crashAndRestart('Ops')
  expect(await reopened.flowMessages(handle.flowId)).toEqual(history)

  await reopened.signal(handle.flowId, 'release', null)
  await expect(reopened.resultOf(handle.flowId)).resolves.toBe('hello')
  // Ended: the sessions and inbox are gone with the flow; the kept outcome is what remains.
  expect(await reopened.flowMessages(handle.flowId)).toEqual({ flowId: handle.flowId, finished: true, messages: [] })
  await expect(reopened.flowMessages('no-such-flow')).rejects.toThrow(FlowNotFoundError)
  await expect(reopened.flowMessages('no-such-flow')).rejects.toThrow(/Node Ops has no flow no-such-flow/)
})

it('shows the payloads of messages the peer has not acknowledged yet, from the outbox', async () => {
  cluster = new Cluster({ parties: ['Desk'] }) // Desk is known to the network but never comes up
  const ops = await cluster.add('Ops', { flows: [pingThenWait], protocols: [Echo] })
  const handle = ops.startFlow(pingThenWait, { peer: 'Desk', text: 'are you there?' })
  await eventually(async () => (await ops.flowStatus(handle.flowId))?.waitingFor?.kind === 'handshake')
  await ops.committed()

  const { messages } = await ops.flowMessages(handle.flowId)
  expect(messages).toEqual([
    // The first frame rides in the init, the ping waits for the confirm: both still in the outbox.
    { direction: 'sent', ...session, role: 'initiator', seq: 0, kind: 'choice', label: 'next', branch: 'ping', journalKey: '/0#0' },
    {
      direction: 'sent',
      ...session,
      role: 'initiator',
      seq: 1,
      kind: 'data',
      label: 'ping',
      payloadKept: true,
      payload: { round: 0, text: 'are you there?' },
      journalKey: '/0#1',
    },
  ])
  await ops.killFlow(handle.flowId)
})

/** Two Echo sessions with Desk at once, one ping each, then a wait: their messages interleave on the wire. */
const twoAtOnce = flow('two-at-once', z.null(), async (ctx) => {
  const ping = (text: string) =>
    Echo.initiate(ctx, 'Desk', {
      v1: async (s) => {
        const { next } = await (await (await s.choose('ping')).send({ round: 0, text })).receive()
        return (await next.choose('done')).end(text)
      },
    })
  await Promise.all([ping('first'), ping('second')])
  await ctx.waitFor('release', z.null())
})

it('lists concurrent sessions one after the other, in the order the flow opened them', async () => {
  cluster = new Cluster()
  await cluster.add('Desk', { responders: [echoer()] })
  const ops = await cluster.add('Ops', { flows: [twoAtOnce], protocols: [Echo] })
  const handle = ops.startFlow(twoAtOnce, null)
  await eventually(async () => (await ops.flowStatus(handle.flowId))?.waitingFor?.kind === 'event')
  const { messages } = await ops.flowMessages(handle.flowId)
  const steps = (opened: string) => [
    `${opened}#0 sent next`,
    `${opened}#1 sent ping`,
    `${opened}#2 received echo`,
    `${opened}#3 sent next`,
    `${opened}#4 sent end`,
  ]
  expect(messages.map((m) => `${m.journalKey} ${m.direction} ${m.label ?? m.kind}`)).toEqual([...steps('/0'), ...steps('/1')])
  expect(messages.filter((m) => m.label === 'echo').map((m) => m.payload)).toEqual([
    { round: 0, text: 'first' },
    { round: 0, text: 'second' },
  ])
  expect(new Set(messages.map((m) => m.sessionId)).size).toBe(2)
  await ops.killFlow(handle.flowId)
})
