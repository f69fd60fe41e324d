/**
 * protocolFamily, what generated modules build `X.initiate` / `X.responder` / `X.only` / `X.errors` from:
 * which versions a side offers (with their hashes), which handler runs for the negotiated version, and
 * that a handler must finish at the End state.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  type ProtocolState,
  FlowException,
  type ProtocolFamily,
  ProtocolUsageError,
  ProtocolViolationError,
  protocol,
  protocolFamily,
  protocolHash,
} from '../../../runtime/protocol/index.js'
import { type ScriptedChannel, scriptedChannel, scriptedContext, specOf } from './support/scripted-channel.js'

const roles = { initiator: 'Client', responder: 'Server' }
const V1 = protocol('Ping', { version: 1, ...roles })
  .send('ping', z.number())
  .end()
const V2 = protocol('Ping', { version: 2, ...roles })
  .errors({ Busy: z.object({ retryAfter: z.number() }) })
  .send('ping', z.string())
  .end()
const V3 = protocol('Ping', { version: 3, ...roles })
  .send('ping', z.boolean())
  .end()
const family = (): ProtocolFamily => protocolFamily({ name: 'Ping', versions: [specOf(V1), specOf(V2), specOf(V3)] })

/** Handlers that each send a payload of their version's type and say which version ran. */
const handlers = {
  v1: async (s: ProtocolState) => (await s.send(1)).end('ran v1'),
  v2: async (s: ProtocolState) => (await s.send('two')).end('ran v2'),
  v3: async (s: ProtocolState) => (await s.send(true)).end('ran v3'),
}
const channelAt = (version: number, role = 'Client'): ScriptedChannel => scriptedChannel({ protocol: 'Ping', version, role })

describe('protocolFamily: initiate', () => {
  it('offers every declared version in ascending order with its definition hash', async () => {
    const channel = channelAt(3)
    const context = scriptedContext(channel)
    await family().initiate(context, 'Server', handlers)
    expect(context.requests).toEqual([
      {
        protocol: 'Ping',
        counterparty: 'Server',
        versions: [
          { version: 1, hash: protocolHash(V1) },
          { version: 2, hash: protocolHash(V2) },
          { version: 3, hash: protocolHash(V3) },
        ],
      },
    ])
  })

  it('runs the handler of the negotiated version, returns its result and closes the channel', async () => {
    for (const version of [1, 2, 3]) {
      const channel = channelAt(version)
      expect(await family().initiate(scriptedContext(channel), 'Server', handlers)).toBe(`ran v${version}`)
      expect(channel.sent).toEqual([{ kind: 'data', label: 'ping', payload: [1, 'two', true][version - 1] }])
      expect(channel.closed).toBe(1)
    }
  })

  it('refuses handlers that miss a declared version, naming them all', async () => {
    const { v2: _left, ...withoutV2 } = handlers
    await expect(family().initiate(scriptedContext(channelAt(1)), 'Server', withoutV2)).rejects.toThrow(
      'Ping: the Client handlers miss v2; give one handler per declared version (v1, v2, v3).',
    )
  })

  it('fails a handler that returns without reaching the End state', async () => {
    const early = { ...handlers, v1: async (s: ProtocolState) => s.send(1) }
    await expect(family().initiate(scriptedContext(channelAt(1)), 'Server', early)).rejects.toThrow(ProtocolViolationError)
    await expect(family().initiate(scriptedContext(channelAt(1)), 'Server', { ...handlers, v1: async () => 'no completion' })).rejects.toThrow(
      "the v1 Client handler for Ping v1 Client returned without reaching the protocol's end",
    )
  })
})

describe('protocolFamily: responder and only', () => {
  it('registers a responder with the versions it accepts, and runs it in the responder role', async () => {
    const registration = family().responder({
      v1: async (s: ProtocolState) => (await s.receive()).next.end('server v1'),
      v2: async (s: ProtocolState) => (await s.receive()).next.end('server v2'),
      v3: async (s: ProtocolState) => (await s.receive()).next.end('server v3'),
    })
    expect(registration.protocol).toBe('Ping')
    expect(registration.versions.map((v) => v.version)).toEqual([1, 2, 3])
    const channel = scriptedChannel({ protocol: 'Ping', version: 2, role: 'Server', incoming: [{ kind: 'data', label: 'ping', payload: 'hi' }] })
    expect(await registration.run(channel, scriptedContext(channel))).toBe('server v2')
  })

  it('only(...) narrows the versions offered and the handlers required', async () => {
    const narrowed = family().only(1, 3)
    expect(narrowed.versions.map((v) => v.table.version)).toEqual([1, 3])
    const channel = channelAt(3)
    const context = scriptedContext(channel)
    expect(await narrowed.initiate(context, 'Server', { v1: handlers.v1, v3: handlers.v3 })).toBe('ran v3')
    expect(context.requests[0]!.versions.map((v) => v.version)).toEqual([1, 3])
  })

  it('only(...) refuses versions the protocol does not declare, and an empty list', () => {
    expect(() => family().only(4)).toThrow(ProtocolUsageError)
    expect(() => family().only(2, 4)).toThrow('Ping.only(2, 4): Ping does not declare v4; it declares v1, v2, v3.')
    expect(() => family().only()).toThrow('Ping.only(): name at least one version; it declares v1, v2, v3.')
  })

  it('exposes the errors declared by any version, creating and recognising FlowExceptions', () => {
    const { Busy } = family().errors
    expect(Object.keys(family().errors)).toEqual(['Busy'])
    const error = Busy!.create({ retryAfter: 5 }, 'try later')
    expect(error).toBeInstanceOf(FlowException)
    expect(error).toMatchObject({ protocol: 'Ping', errorType: 'Busy', details: { retryAfter: 5 }, message: 'try later' })
    expect(Busy!.is(error)).toBe(true)
    expect(Busy!.is(new FlowException('Other', 'Busy', {}))).toBe(false)
    expect(Busy!.is(new Error('Busy'))).toBe(false)
  })
})
