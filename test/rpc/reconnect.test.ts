/**
 * The client survives the node going away: it reconnects with backoff, its handles settle and its
 * Observables resume, and nothing is started twice, whether only the endpoint or the whole node restarted.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { RpcConnectionError } from '../../runtime/rpc/rpc-errors.js'
import { RpcFixture } from './support/rpc-fixture.js'

let fixture: RpcFixture | undefined
afterEach(async () => {
  await fixture?.stop()
  fixture = undefined
})

async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('reconnecting', () => {
  it('resumes a handle and a progress Observable across a node restart, starting nothing twice', async () => {
    fixture = await RpcFixture.start({ ops: ['ALL'] })
    const client = await fixture.client('ops')
    const states: string[] = []
    client.onConnectionChange((state) => states.push(state))
    const handle = await client.startTrackedFlow('wait-for-go', { tag: 'r' }, { clientId: 'survives' })
    const updates: unknown[] = []
    const completed = new Promise<void>((resolve) => handle.progress.subscribe({ next: (u) => updates.push(u), complete: resolve }))
    await fixture.restartNode()
    await until(() => client.connection === 'connected' && states.includes('reconnecting'))
    await client.signal(handle.flowId, 'go', { note: 'after restart' })
    expect(await handle.result).toBe('r:after restart')
    await completed
    expect(states).toEqual(['reconnecting', 'connected'])
    expect((await client.listFlows()).map((f) => f.flowId)).toEqual([handle.flowId])
  })

  it('sends a start again that was cut off, and the node hands back the flow it already started', async () => {
    fixture = await RpcFixture.start({ ops: ['ALL'] })
    const client = await fixture.client('ops')
    // The endpoint goes away right after the request left: the start may or may not have reached the node.
    const starting = client.startFlow('wait-for-go', { tag: 'cut' })
    await fixture.restartServer()
    const handle = await starting
    await client.signal(handle.flowId, 'go', { note: 'once' })
    expect(await handle.result).toBe('cut:once')
    expect((await client.listFlows()).map((f) => f.flowId)).toEqual([handle.flowId])
  })

  it('fails a killFlow cut off by a lost connection as of unknown outcome, and every request once it gives up', async () => {
    fixture = await RpcFixture.start({ ops: ['ALL'] })
    const client = await fixture.client('ops')
    const running = await client.startFlow('wait-for-go', { tag: 'k' })
    const kill = client.killFlow(running.flowId)
    await fixture.server.close()
    const error = await kill.catch((e: unknown) => e)
    if (error !== true) {
      // The kill may have been answered before the endpoint closed; if not, it must say its outcome is unknown.
      expect(error).toBeInstanceOf(RpcConnectionError)
      expect((error as Error).message).toMatch(/was lost before killFlow was answered; whether it took effect is unknown/)
    }
    client.close()
    await expect(client.flowNames()).rejects.toBeInstanceOf(RpcConnectionError)
  })
})
