/**
 * node.events: one Observable of what a node's flows do (a flow started, a session action became
 * durable, a flow ended), the same source the onSessionAction and onFlowEnd options listen to.
 */
import { afterEach, expect, it } from 'vitest'
import type { FlowEndEvent, FlowEvent, SessionAction } from '../../runtime/engine/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { answerer, asker } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

function line(event: FlowEvent): string {
  switch (event.type) {
    case 'flow-started':
      return `started ${event.flow.name} (${event.flow.kind})`
    case 'session-action':
      return `${event.action.role} ${event.action.action} ${event.action.label ?? '-'}`
    case 'flow-progress':
      return `progress ${event.progress.flowName} ${event.progress.path.join(' / ')}`
    case 'flow-ended':
      return `ended ${event.end.name} ${event.end.ok ? 'ok' : 'failed'}`
  }
}

it('reports a flow start, each session action once it is durable, and the flow end, in order, on both nodes', async () => {
  cluster = new Cluster()
  const alice = await cluster.add('Alice', { flows: [asker] })
  const bob = await cluster.add('Bob', { responders: [answerer] })
  const seen = new Map<string, FlowEvent[]>([
    ['Alice', []],
    ['Bob', []],
  ])
  alice.events.subscribe((event) => seen.get('Alice')!.push(event))
  bob.events.subscribe((event) => seen.get('Bob')!.push(event))

  const { flowId, result } = alice.startFlow(asker, 3)
  await expect(result).resolves.toBe(4 * 3 + 104)
  await eventually(() => [...seen.values()].every((events) => events.at(-1)?.type === 'flow-ended'))

  expect(seen.get('Alice')!.map(line)).toEqual([
    'started asker (started)',
    'initiator send q1',
    'initiator receive a1',
    'initiator send q2',
    'initiator receive a2',
    'initiator end -',
    'ended asker ok',
  ])
  expect(seen.get('Bob')!.map(line)).toEqual([
    'started Rounds (responder)',
    'responder receive q1',
    'responder send a1',
    'responder receive q2',
    'responder send a2',
    'responder end -',
    'ended Rounds ok',
  ])
  const aliceEvents = seen.get('Alice')!
  expect(aliceEvents[0]).toMatchObject({ type: 'flow-started', flow: { flowId, name: 'asker', kind: 'started' } })
  expect(aliceEvents[1]).toMatchObject({
    type: 'session-action',
    action: { node: 'Alice', flowId, flowName: 'asker', protocol: 'Rounds', version: 1, role: 'initiator', counterparty: 'Bob', action: 'send', label: 'q1' },
  })
  expect(aliceEvents.at(-1)).toMatchObject({ type: 'flow-ended', end: { flowId, name: 'asker', kind: 'started', ok: true, result: 116 } })
})

it('feeds the onSessionAction and onFlowEnd options from the same source as node.events', async () => {
  cluster = new Cluster()
  const actions: SessionAction[] = []
  const ends: FlowEndEvent[] = []
  const alice = await cluster.add('Alice', { flows: [asker], onSessionAction: (a) => actions.push(a), onFlowEnd: (e) => ends.push(e) })
  await cluster.add('Bob', { responders: [answerer] })
  const events: FlowEvent[] = []
  alice.events.subscribe((event) => events.push(event))

  await alice.startFlow(asker, 5).result
  await eventually(() => ends.length === 1 && events.at(-1)?.type === 'flow-ended')
  expect(actions).toEqual(events.flatMap((e) => (e.type === 'session-action' ? [e.action] : [])))
  expect(ends).toEqual(events.flatMap((e) => (e.type === 'flow-ended' ? [e.end] : [])))
  expect(actions.map((a) => `${a.action} ${a.label}`)).toEqual(['send q1', 'receive a1', 'send q2', 'receive a2', 'end null'])
})

it('reports a flow that fails, and a flow killed by an operator, as ended and not ok', async () => {
  cluster = new Cluster({ parties: ['Bob'] })
  const alice = await cluster.add('Alice', { flows: [asker] })
  const events: FlowEvent[] = []
  alice.events.subscribe((event) => events.push(event))
  // Bob is declared but never attaches: the flow waits for its session to be answered until it is killed.
  const { flowId, result } = alice.startFlow(asker, 1)
  await eventually(() => events.some((e) => e.type === 'flow-started'))
  await expect(alice.killFlow(flowId)).resolves.toBe(true)
  await expect(result).rejects.toMatchObject({ name: 'FlowKilledError', code: 'FLOW_KILLED' })
  const end = events.find((e) => e.type === 'flow-ended')
  expect(end).toMatchObject({ type: 'flow-ended', end: { flowId, name: 'asker', kind: 'started', ok: false } })
})
