/** Over TCP the network map says who is known: a party it does not list fails the flow at once, naming the map file. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { demoInitiator, demoResponder } from '../../examples/demo-flows.js'
import { UnknownPartyError, flow } from '../../runtime/engine/index.js'
import { loadNetworkMap } from '../../runtime/transport/index.js'
import { TcpCluster } from './support/tcp-cluster.js'

let cluster: TcpCluster | undefined
afterEach(async () => {
  await cluster?.stopAll()
  cluster = undefined
})

const demo = flow('demo-to', async (ctx, to: string) => demoInitiator(ctx, to, 7))

describe('a party the network map does not list', () => {
  it('fails the flow within a second with an error naming the party, the closest listed name and the map file', async () => {
    const c = (cluster = await TcpCluster.create(['Alice', 'Bob']))
    const file = join(c.dir, 'network.json')
    writeFileSync(file, JSON.stringify(c.map.toJSON()))
    c.map = loadNetworkMap(file)
    const alice = await c.up('Alice', { flows: [demo] })
    await c.up('Bob', { responders: [demoResponder] })
    const timeout = new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 1000).unref())
    const error = await Promise.race([alice.startFlow(demo, 'bob').result, timeout]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnknownPartyError)
    expect(error).toMatchObject({ code: 'UNKNOWN_PARTY', party: 'bob', known: ['Alice', 'Bob'] })
    expect((error as Error).message).toBe(
      `Flow 'demo-to' cannot open a Demo session with 'bob': the network map ${file} knows no such party (did you mean 'Bob'?). ` +
        'It knows Alice, Bob. Check the party name, or add the party to the network map.',
    )
    await expect(alice.startFlow(demo, 'Bob').result).resolves.toEqual({ name: 'Hello, you sent 7, Bob', count: 7 })
  })
})
