/**
 * A party the network knows but whose node is not up yet is waited for, and the flow completes once it
 * starts; a node does not open a session with itself. Runs on every network (unknown-party.test.ts checks
 * the in-memory network's own roster and wording).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { demoInitiator, demoResponder } from '../../examples/demo-flows.js'
import { SessionWithSelfError, flow } from '../../runtime/engine/index.js'
import { Cluster, sessionsOf } from './support/cluster.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

const demo = flow('demo-to', async (ctx, to: string) => demoInitiator(ctx, to, 7))
const expected = { name: 'Hello, you sent 7, Bob', count: 7 }

/** The outcome of `promise`, or 'pending' if it has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms).unref())])
}

describe('initiating to a party', () => {
  it('waits for a party declared up front until its node attaches, and the flow completes', async () => {
    cluster = new Cluster({ parties: ['Bob'] })
    const alice = await cluster.add('Alice', { flows: [demo] })
    const { flowId, result } = alice.startFlow(demo, 'Bob')
    expect(await within(result, 300)).toBe('pending')
    expect(await sessionsOf(alice, flowId)).toMatchObject([{ peer: 'Bob' }])
    await cluster.add('Bob', { responders: [demoResponder] })
    await expect(result).resolves.toEqual(expected)
  })

  it('refuses a session with the node itself', async () => {
    cluster = new Cluster()
    const alice = await cluster.add('Alice', { flows: [demo], responders: [demoResponder] })
    const error = await within(alice.startFlow(demo, 'Alice').result, 1000).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SessionWithSelfError)
    expect(error).toMatchObject({ code: 'SESSION_WITH_SELF' })
    expect((error as Error).message).toBe(
      "Flow 'demo-to' on Alice tried to open a Demo session with Alice, the node it runs on; a session needs another party: pass the counterparty's name.",
    )
  })
})
