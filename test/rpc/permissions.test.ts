/**
 * Users and permissions on the RPC endpoint: unknown users and wrong passwords are refused alike and
 * logged, failed logins are throttled, every operation is refused without its permission (and starts
 * nothing), and one user cannot see or remove another's client ids.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { RpcClient } from '../../runtime/rpc/client/rpc-client-api.js'
import { RpcAuthenticationError, RpcPermissionError, RpcThrottledError } from '../../runtime/rpc/rpc-errors.js'
import { type Operation, operations } from '../../runtime/rpc/rpc-protocol.js'
import { RpcFixture } from './support/rpc-fixture.js'

let fixture: RpcFixture | undefined
afterEach(async () => {
  await fixture?.stop()
  fixture = undefined
})

/** Calls each operation the way a client would; every call should be refused before it does anything. */
const calls: Record<Operation, (client: RpcClient) => Promise<unknown>> = {
  startFlow: (c) => c.startFlow('echo', { text: 'hi' }, { clientId: 'c-1' }),
  reattachFlow: (c) => c.reattachFlow('c-1'),
  removeClientId: (c) => c.removeClientId('c-1'),
  finishedFlowsWithClientIds: (c) => c.finishedFlowsWithClientIds(),
  killFlow: (c) => c.killFlow('some-flow'),
  listFlows: (c) => c.listFlows(),
  flowStatus: (c) => c.flowStatus('some-flow'),
  flowMessages: (c) => c.flowMessages('some-flow'),
  signal: (c) => c.signal('some-flow', 'go', { note: 'x' }),
  progress: (c) => new Promise((resolve, reject) => c.progress('some-flow').subscribe({ error: reject, complete: () => resolve(undefined) })),
  stateMachinesFeed: (c) => new Promise((resolve, reject) => c.stateMachinesFeed().subscribe({ error: reject, complete: () => resolve(undefined) })),
  flowNames: (c) => c.flowNames(),
  unfinishedFlows: (c) => c.unfinishedFlows(),
  protocols: (c) => c.protocols(),
  peers: (c) => c.peers(),
  'hospital.list': (c) => c.hospital.list(),
  'hospital.show': (c) => c.hospital.show('some-flow'),
  'hospital.retry': (c) => c.hospital.retry('some-flow'),
  'hospital.retryAll': (c) => c.hospital.retryAll({}, { dryRun: true }),
  'hospital.kill': (c) => c.hospital.kill('some-flow'),
  'hospital.heldInits': (c) => c.hospital.heldInits(),
  'hospital.rejectInit': (c) => c.hospital.rejectSessionInit('Alice:x'),
  'hospital.events': (c) => new Promise((resolve, reject) => c.hospital.events().subscribe({ error: reject, complete: () => resolve(undefined) })),
}

describe('logins', () => {
  it('refuses an unknown user and a wrong password with the same error, and logs both', async () => {
    fixture = await RpcFixture.start({ ops: ['ALL'] })
    const unknown = await fixture.client('nobody', 'x').catch((e: unknown) => e)
    const wrong = await fixture.client('ops', 'not-the-password').catch((e: unknown) => e)
    for (const error of [unknown, wrong]) {
      expect(error).toBeInstanceOf(RpcAuthenticationError)
      expect((error as RpcAuthenticationError).code).toBe('RPC_AUTHENTICATION')
    }
    expect((unknown as Error).message).toBe(
      "The node refused the login of 'nobody': unknown user or wrong password. Check the credentials (COLLOQUY_RPC_USER, COLLOQUY_RPC_PASSWORD); `colloquy rpc-user add` adds a user.",
    )
    const refusals = fixture.logs.filter((l) => l.message === 'RPC login refused: unknown user or wrong password')
    expect(refusals.map((l) => l.fields?.user)).toEqual(['nobody', 'ops'])
    expect(await (await fixture.client('ops')).flowNames()).toEqual(['echo', 'refuse', 'wait-for-go'])
  })

  it('throttles an address after repeated failures, even for the right password, and logs it', async () => {
    fixture = await RpcFixture.start({ ops: ['ALL'] }, { freeFailures: 3, baseLockMs: 60_000 })
    for (let i = 0; i < 3; i++) await expect(fixture.client('ops', 'guess')).rejects.toBeInstanceOf(RpcAuthenticationError)
    const locked = await fixture.client('ops').catch((e: unknown) => e)
    expect(locked).toBeInstanceOf(RpcThrottledError)
    expect((locked as Error).message).toMatch(/^Too many failed logins from .+; try again in 60 s\.$/)
    expect(fixture.logs.some((l) => l.message === 'RPC login refused: too many failed logins from this address')).toBe(true)
  })
})

describe('permissions', () => {
  it.each(operations)('refuses %s without its permission, says which, logs it and starts nothing', async (op) => {
    fixture = await RpcFixture.start({ none: [], starter: ['StartFlow.refuse'] })
    for (const user of ['none', 'starter']) {
      const client = await fixture.client(user)
      const error = await calls[op](client).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RpcPermissionError)
      const needed = op === 'startFlow' ? 'StartFlow.echo' : `InvokeRpc.${op}`
      expect((error as RpcPermissionError).permission).toBe(needed)
      const what = op === 'startFlow' ? "start flow 'echo'" : `call ${op}`
      expect((error as Error).message).toBe(`User '${user}' may not ${what}; grant ${needed} (or ALL) to the user in the rpc section of node.json.`)
    }
    expect(fixture.logs.filter((l) => l.message === 'RPC request refused: permission missing').map((l) => l.fields?.operation)).toEqual([op, op])
    expect(await fixture.node.listFlows()).toEqual([])
  })

  it('allows exactly what is granted: StartFlow.<name> starts that flow only, InvokeRpc.<op> that call', async () => {
    fixture = await RpcFixture.start({ some: ['StartFlow.echo', 'InvokeRpc.flowStatus'] })
    const client = await fixture.client('some')
    const handle = await client.startFlow('echo', { text: 'hi' })
    expect(await handle.result).toBe('hi')
    expect((await client.flowStatus(handle.flowId))?.status).toBe('done')
    await expect(client.startFlow('refuse', { max: 1 })).rejects.toBeInstanceOf(RpcPermissionError)
    await expect(client.killFlow(handle.flowId)).rejects.toBeInstanceOf(RpcPermissionError)
  })
})

describe("another user's client ids", () => {
  it('are invisible: reattach null, remove false, not in the finished list, not found by listFlows', async () => {
    fixture = await RpcFixture.start({ alice: ['ALL'], bob: ['ALL'] })
    const alice = await fixture.client('alice')
    const bob = await fixture.client('bob')
    const running = await alice.startFlow('wait-for-go', { tag: 'a' }, { clientId: 'shared' })
    expect(await bob.reattachFlow('shared')).toBeNull()
    expect(await bob.removeClientId('shared')).toBe(false)
    expect(await bob.listFlows({ clientId: 'shared' })).toEqual([])
    await alice.signal(running.flowId, 'go', { note: 'ok' })
    expect(await running.result).toBe('a:ok')
    expect(await alice.finishedFlowsWithClientIds()).toEqual({ shared: true })
    expect(await bob.finishedFlowsWithClientIds()).toEqual({})
    expect(await bob.reattachFlow('shared')).toBeNull()
    expect(await bob.removeClientId('shared')).toBe(false)
    // Alice's mapping is untouched by Bob's attempts.
    expect((await alice.reattachFlow('shared'))?.flowId).toBe(running.flowId)
    expect(await alice.removeClientId('shared')).toBe(true)
  })
})
