/**
 * Opening a session with a party the in-memory network does not know fails the flow at once, naming the
 * party and what the network knows; a party declared later, or whose node is down, is waited for; a
 * restarted flow whose peer the network no longer knows keeps waiting. (party-waits.test.ts: the same
 * waiting, and the refused session with the node itself, on every network.)
 */
import { afterEach, describe, expect, it } from 'vitest'
import { demoInitiator, demoResponder } from '../../examples/demo-flows.js'
import { createNode } from '../../runtime/create-node.js'
import { UnknownPartyError, flow } from '../../runtime/engine/index.js'
import { InMemoryNetwork } from '../../runtime/network/index.js'
import { Cluster, eventually, sessionsOf } from './support/cluster.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

const demo = flow('demo-to', async (ctx, to: string) => demoInitiator(ctx, to, 7))
const expected = { name: 'Hello, you sent 7, Bob', count: 7 }

/** The outcome of `promise`, or 'pending' if it has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms).unref())])
}

describe('initiating to a party', () => {
  it('fails the flow within a second when the network does not know the party, naming it and the closest known name', async () => {
    cluster = new Cluster()
    const alice = await cluster.add('Alice', { flows: [demo] })
    await cluster.add('Bob', { responders: [demoResponder] })
    const { flowId, result } = alice.startFlow(demo, 'Bobb')
    const error = await within(result, 1000).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnknownPartyError)
    expect(error).toMatchObject({ code: 'UNKNOWN_PARTY', party: 'Bobb', known: ['Alice', 'Bob'] })
    expect((error as Error).message).toBe(
      "Flow 'demo-to' cannot open a Demo session with 'Bobb': the in-memory network knows no such party (did you mean 'Bob'?). " +
        'It knows Alice, Bob. Check the party name, or declare a party whose node attaches later with network.declare(name) or the parties option of InMemoryNetwork.',
    )
    expect(await alice.flowStatus(flowId)).toBeUndefined() // failed, nothing kept
    expect(await alice.tableCounts()).toMatchObject({ sessions: 0, outbox: 0 })
  })

  it('waits for a party declared with network.declare, and for a party whose node attached once and is down', async () => {
    cluster = new Cluster()
    cluster.net.declare('Bob')
    const alice = await cluster.add('Alice', { flows: [demo] })
    const first = alice.startFlow(demo, 'Bob').result
    expect(await within(first, 200)).toBe('pending')
    const bob = await cluster.add('Bob', { responders: [demoResponder] })
    await expect(first).resolves.toEqual(expected)
    bob.crash()
    const second = alice.startFlow(demo, 'Bob').result
    expect(await within(second, 200)).toBe('pending')
    await cluster.crashAndRestart('Bob')
    await expect(second).resolves.toEqual(expected)
  })

  it('keeps a restarted flow waiting, with a warning, when the network no longer knows its peer', async () => {
    cluster = new Cluster({ parties: ['Bob'] })
    const alice = await cluster.add('Alice', { flows: [demo] })
    const { flowId } = alice.startFlow(demo, 'Bob')
    await eventually(async () => (await sessionsOf(alice, flowId)).length === 1)
    alice.crash()
    const warnings: string[] = []
    const log = { info() {}, warn: (message: string) => void warnings.push(message), error() {} }
    const elsewhere = new InMemoryNetwork()
    const store = await cluster.storeOf('Alice')
    const reopened = await createNode({ name: 'Alice', store, network: elsewhere, flows: [demo], logger: log, redeliverAfterMs: 50 })
    let bob: Awaited<ReturnType<typeof createNode>> | undefined
    try {
      expect(warnings).toEqual([
        `Node Alice resumed 1 flow(s) (${flowId}) with a session to Bob, which the in-memory network does not know; they keep waiting for Bob, since a changed party list does not fail flows in flight. If Bob is gone for good, end them with killFlow; otherwise declare a party whose node attaches later with network.declare(name) or the parties option of InMemoryNetwork.`,
      ])
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(await reopened.flowStatus(flowId)).toMatchObject({ status: 'running' })
      bob = await createNode({ name: 'Bob', store: await cluster.storeOf('Bob'), network: elsewhere, responders: [demoResponder], logger: log })
      await expect(reopened.resultOf(flowId)).resolves.toEqual(expected)
    } finally {
      await reopened.stop()
      await bob?.stop()
    }
  })
})
