/**
 * The typed client against a node in this process: the client-id contract over RPC, results and errors
 * as their classes (a declared FlowException with protocol, type and details; InvalidFlowArgsError with
 * its issues), tracked progress, the state-machines feed, and requests the server cannot read.
 */
import WebSocket from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeTaggedJson } from '../../runtime/codec/tagged-json.js'
import { InvalidFlowArgsError } from '../../runtime/engine/index.js'
import { FlowException } from '../../runtime/protocol/session/session-errors.js'
import type { FlowFeedUpdate } from '../../runtime/rpc/client/rpc-client-api.js'
import { RpcRequestError } from '../../runtime/rpc/rpc-errors.js'
import { RpcFixture } from './support/rpc-fixture.js'

let fixture: RpcFixture | undefined
afterEach(async () => {
  await fixture?.stop()
  fixture = undefined
})

describe('client ids over RPC', () => {
  it('starts once per id: a second start returns the running flow (its arguments ignored), then the settled result', async () => {
    fixture = await RpcFixture.start({ ops: ['ALL'] })
    const client = await fixture.client('ops')
    const [first, second] = await Promise.all([
      client.startFlow('wait-for-go', { tag: 'one' }, { clientId: 'order-1' }),
      client.startFlow('wait-for-go', { tag: 'two' }, { clientId: 'order-1' }),
    ])
    expect(second.flowId).toBe(first.flowId)
    expect(first.clientId).toBe('order-1')
    expect(await client.removeClientId('order-1')).toBe(false) // still running
    expect(await client.finishedFlowsWithClientIds()).toEqual({})
    await client.signal(first.flowId, 'go', { note: 'shipped' })
    expect(await first.result).toBe('one:shipped')
    expect(await second.result).toBe('one:shipped')
    const later = await client.startFlow('wait-for-go', { tag: 'three' }, { clientId: 'order-1' })
    expect(later.flowId).toBe(first.flowId)
    expect(await later.result).toBe('one:shipped')
    expect(await client.finishedFlowsWithClientIds()).toEqual({ 'order-1': true })
    expect(await client.removeClientId('order-1')).toBe(true)
    expect(await client.reattachFlow('order-1')).toBeNull()
    const fresh = await client.startFlow('echo', { text: 'new' }, { clientId: 'order-1' })
    expect(fresh.flowId).not.toBe(first.flowId)
    expect(await fresh.result).toBe('new')
  })

  it('gives back a declared error as that FlowException, with protocol, type and details, also on reattach', async () => {
    fixture = await RpcFixture.start({ ops: ['ALL'] })
    const client = await fixture.client('ops')
    const handle = await client.startFlow('refuse', { max: 10 }, { clientId: 'bad-price' })
    const error = await handle.result.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FlowException)
    expect(error).toMatchObject({
      code: 'FLOW_EXCEPTION',
      protocol: 'Trade',
      errorType: 'PriceTooHigh',
      details: { max: 10 },
      message: 'The price is above 10.',
    })
    const again = await client.reattachFlow('bad-price')
    const replayed = await again!.result.catch((e: unknown) => e)
    expect(replayed).toBeInstanceOf(FlowException)
    expect(replayed).toMatchObject({ protocol: 'Trade', errorType: 'PriceTooHigh', details: { max: 10 } })
    expect(await client.finishedFlowsWithClientIds()).toEqual({ 'bad-price': false })
  })

  it('refuses arguments the flow schema refuses with InvalidFlowArgsError naming each field, starting nothing', async () => {
    fixture = await RpcFixture.start({ ops: ['ALL'] })
    const client = await fixture.client('ops')
    const error = await client.startFlow('echo', { text: 42 }, { clientId: 'typo' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidFlowArgsError)
    expect((error as InvalidFlowArgsError).issues).toEqual([{ path: 'text', message: 'Invalid input: expected string, received number' }])
    expect(await client.listFlows()).toEqual([])
    expect(await client.reattachFlow('typo')).toBeNull()
  })
})

describe('tracking and feeds', () => {
  it('startTrackedFlow streams the progress, and the feed reports the flow added and removed', async () => {
    fixture = await RpcFixture.start({ ops: ['ALL'] })
    const client = await fixture.client('ops')
    const feed: FlowFeedUpdate[] = []
    const subscription = client.stateMachinesFeed().subscribe((update) => feed.push(update))
    await new Promise((resolve) => setTimeout(resolve, 50)) // the feed subscription reaches the node
    const handle = await client.startTrackedFlow('wait-for-go', { tag: 't' })
    const updates: unknown[] = []
    const completed = new Promise<void>((resolve) => handle.progress.subscribe({ next: (u) => updates.push(u), complete: resolve }))
    await client.signal(handle.flowId, 'go', { note: 'n' })
    expect(await handle.result).toBe('t:n')
    await completed
    expect(updates.length).toBeGreaterThan(0)
    expect(JSON.stringify(updates)).toContain('waiting')
    expect(JSON.stringify(updates.at(-1))).toContain('DONE')
    subscription.unsubscribe()
    const mine = feed.filter((u) => u.flowId === handle.flowId)
    expect(mine[0]).toMatchObject({ type: 'added', flowName: 'wait-for-go', kind: 'started' })
    expect(mine.at(-1)).toMatchObject({ type: 'removed', ok: true, result: 't:n' })
  })
})

describe('progress over RPC', () => {
  it('gives a late subscriber the current state first and completes after DONE', async () => {
    fixture = await RpcFixture.start({ ops: ['ALL'] })
    const client = await fixture.client('ops')
    const handle = await client.startFlow('wait-for-go', { tag: 'late' })
    const updates: { path: readonly string[]; done: boolean }[] = []
    const completed = new Promise<void>((resolve, reject) =>
      client.progress(handle.flowId).subscribe({ next: (u) => updates.push(u), error: reject, complete: resolve }),
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(updates[0]?.path).toEqual(['waiting'])
    await client.signal(handle.flowId, 'go', { note: 'x' })
    await completed
    expect(updates.at(-1)?.done).toBe(true)
  })
})

describe('requests the server cannot read', () => {
  it('answers a malformed request with RPC_REQUEST and keeps the connection', async () => {
    fixture = await RpcFixture.start({ ops: ['ALL'] })
    const client = await fixture.client('ops')
    const error = await client.listFlows({ state: 'sleeping' as 'running' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RpcRequestError)
    expect((error as Error).message).toMatch(
      /^The RPC message could not be read \(args\.state: Invalid option: expected one of .+\); use a client of RPC protocol version 1\.$/,
    )
    expect(await client.flowNames()).toContain('echo')
  })

  it('closes a connection whose first message is not a login', async () => {
    fixture = await RpcFixture.start({ ops: ['ALL'] })
    const socket = new WebSocket(fixture.url)
    const answer = await new Promise<string>((resolve) => {
      socket.on('open', () => socket.send(encodeTaggedJson({ t: 'req', id: 1, op: 'flowNames', args: {} })))
      socket.on('message', (data) => resolve(data.toString()))
    })
    expect(JSON.parse(answer)).toMatchObject({ t: 'refused', error: { code: 'RPC_REQUEST' } })
    await new Promise((resolve) => socket.on('close', resolve))
  })
})
