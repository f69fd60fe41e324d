/**
 * What two worker processes of one node decide at the same moment, raced for real on PostgreSQL: a start
 * of one client id on both returns one flow's handle and result (node-claims.ts, client-ids.ts); copies of
 * one session init delivered to both start one responder, the other copy dropped as the duplicate it is
 * (handshake-answer.ts); the node config's start list run by both starts each entry once (start-list.ts).
 * Nothing of it is fatal: both workers go on serving.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type Node, flow } from '../../runtime/engine/index.js'
import type { NodeConfig } from '../../runtime/process/node-config.js'
import { runStartList } from '../../runtime/process/start-list.js'
import { eventually } from '../engine/support/cluster.js'
import { PairFamily, adder, expectedTotal, giver } from '../engine/support/pair-flows.js'
import { WorkerNodes } from './support/worker-nodes.js'

let nodes: WorkerNodes
beforeEach(async () => {
  nodes = await WorkerNodes.create()
})
afterEach(async () => {
  await nodes.stopAll()
})

const ran: string[] = []
const doubler = flow('doubler', z.number(), async (ctx, n) => {
  await ctx.step('count', () => {
    ran.push(ctx.flowId)
    return n
  })
  await ctx.sleep(20)
  return n * 2
})

/** Both workers still commit: neither stopped on a refused commit. */
async function stillServing(...workers: Node[]): Promise<void> {
  for (const [i, node] of workers.entries()) expect(await node.startFlow(doubler, i).result).toBe(i * 2)
}

describe('worker processes racing', () => {
  it('start one client id on two workers at once: one flow, one handle, its result on both', async () => {
    const b1 = await nodes.worker({ flows: [doubler] })
    const b2 = await nodes.worker({ flows: [doubler] })
    ran.length = 0
    const ids = Array.from({ length: 20 }, (_, i) => `order-${i}`)
    const pairs = ids.map((clientId, i) => [b1.node.startFlow(doubler, i, { clientId }), b2.node.startFlow(doubler, 100 + i, { clientId })] as const)
    for (const [i, [first, second]] of pairs.entries()) {
      expect(second.flowId).toBe(first.flowId)
      const result = await first.result
      expect([i * 2, (100 + i) * 2]).toContain(result)
      expect(await second.result).toBe(result)
    }
    expect(ran).toHaveLength(20) // each client id's flow ran once, on one worker or the other
    expect(await nodes.rows('flows', 'client_id IS NOT NULL')).toBe(20)
    // Known on both now, whichever started it.
    expect((await b2.node.reattachFlow('order-3'))?.flowId).toBe(pairs[3]![0].flowId)
    expect((await b1.node.reattachFlow('order-4'))?.flowId).toBe(pairs[4]![0].flowId)
    const again = b2.node.startFlow(doubler, 7, { clientId: 'order-5' })
    expect(again.flowId).toBe(pairs[5]![0].flowId)
    expect(await again.result).toBe(await pairs[5]![0].result)
    await stillServing(b1.node, b2.node)
  })

  it('copies of one session init reaching two workers at once start one responder; the other copy is dropped', async () => {
    let responders = 0
    const countEnds = { onFlowEnd: (end: { kind: string }) => void (end.kind === 'responder' && responders++) }
    const b1 = await nodes.worker({ responders: [adder], flows: [doubler], ...countEnds })
    const b2 = await nodes.worker({ responders: [adder], flows: [doubler], ...countEnds })
    const alice = await nodes.peer('Alice', { flows: [giver], protocols: [PairFamily] })
    nodes.network.spread = 'all' // every message to Bob reaches both workers at once
    const starts = Array.from({ length: 20 }, (_, i) => i + 1)
    expect(await Promise.all(starts.map((n) => alice.startFlow(giver, n).result))).toEqual(starts.map(expectedTotal))
    await eventually(async () => (await nodes.rows('flows')) === 0 && (await nodes.rows('claims')) === 0, 10_000)
    expect(responders).toBe(20)
    expect(await nodes.rows('processed')).toBe(20)
    nodes.network.spread = 'one'
    await stillServing(b1.node, b2.node)
  })

  it("runs the node config's start list once when two workers start with it at once", async () => {
    const b1 = await nodes.worker({ flows: [doubler], keepFinishedFlows: 'started' })
    const b2 = await nodes.worker({ flows: [doubler], keepFinishedFlows: 'started' })
    ran.length = 0
    const start = Array.from({ length: 6 }, (_, i) => ({ id: `boot-${i}`, flow: 'doubler', args: i }))
    const config = { file: 'node.json', app: 'app.js', start } as unknown as NodeConfig
    const startedBy: string[][] = [[], []]
    await Promise.all([b1.node, b2.node].map((node, i) => runStartList(config, node, [doubler], (request) => startedBy[i]!.push(request.id))))
    expect([...startedBy[0]!, ...startedBy[1]!].sort()).toEqual(start.map((entry) => entry.id).sort())
    await eventually(async () => (await nodes.rows('flows', "status = 'done'")) === 6)
    expect([...ran].sort()).toEqual(start.map((entry) => entry.id).sort())
    // Run again (a restarted worker): nothing more starts.
    await runStartList(config, b1.node, [doubler], () => expect.fail('started twice'))
    await stillServing(b1.node, b2.node)
  })
})
