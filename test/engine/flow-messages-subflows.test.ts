/**
 * node.flowMessages names the sub-flows (ctx.subFlow) each message's session was opened in, outermost first,
 * as WaitingFor.subFlows does: none for the flow's own session, one for a sub-flow's, two for a nested one's.
 */
import { afterEach, expect, it } from 'vitest'
import { z } from 'zod'
import { echoer } from '../../examples/echo-flows.js'
import { Echo } from '../../generated/echo.js'
import { flow } from '../../runtime/engine/index.js'
import type { FlowContext } from '../../runtime/protocol/session/flow-context.js'
import { Cluster, eventually } from './support/cluster.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

const ping = (ctx: FlowContext, peer: string, text: string) =>
  Echo.initiate(ctx, peer, {
    v1: async (s) => {
      const { next } = await (await (await s.choose('ping')).send({ round: 0, text })).receive()
      return (await next.choose('done')).end(text)
    },
  })

const inner = flow('countersign', z.object({ peer: z.string() }), async (ctx, args) => {
  await ping(ctx, args.peer, 'inner')
  return ctx.waitFor('release', z.null())
})
const outer = flow('collect', z.object({ peer: z.string() }), async (ctx, args) => {
  await ping(ctx, args.peer, 'outer')
  return ctx.subFlow(inner, args)
})
const parent = flow('parent', z.object({ peer: z.string() }), async (ctx, args) => {
  await ping(ctx, args.peer, 'top')
  return ctx.subFlow(outer, args)
})

it('names the sub-flows each message was sent or received in', async () => {
  cluster = new Cluster()
  await cluster.add('Desk', { responders: [echoer()] })
  const ops = await cluster.add('Ops', { flows: [parent], protocols: [Echo] })
  const handle = ops.startFlow(parent, { peer: 'Desk' })
  await eventually(async () => (await ops.flowStatus(handle.flowId))?.waitingFor?.kind === 'event')
  expect((await ops.flowStatus(handle.flowId))?.waitingFor?.subFlows).toEqual(['collect', 'countersign'])

  const { messages } = await ops.flowMessages(handle.flowId)
  const places = messages.map((m) => `${m.label ?? m.kind} ${JSON.stringify(m.subFlows ?? null)}`)
  expect(places).toEqual([
    ...['next', 'ping', 'echo', 'next', 'end'].map((step) => `${step} null`),
    ...['next', 'ping', 'echo', 'next', 'end'].map((step) => `${step} ["collect"]`),
    ...['next', 'ping', 'echo', 'next', 'end'].map((step) => `${step} ["collect","countersign"]`),
  ])
  expect(messages.some((m) => 'subFlows' in m && m.subFlows === undefined)).toBe(false)
  await ops.killFlow(handle.flowId)
})
