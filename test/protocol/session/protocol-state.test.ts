/**
 * ProtocolState, the run-time object behind every generated state: it allows only the method its state
 * table entry permits, validates outgoing payloads, checks incoming frames and payloads against the
 * protocol, checks a peer's errors against the declaration, and may be used once (stale state).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { DemoV1 } from '../../../protocols/demo.protocol.js'
import { EchoV1 } from '../../../protocols/echo.protocol.js'
import { IssueRequestV1 } from '../../../protocols/issue-request.protocol.js'
import {
  Completion,
  FlowException,
  InvalidPayloadError,
  type ProtocolState,
  ProtocolUsageError,
  ProtocolViolationError,
  protocol,
  StaleStateError,
  Untrustworthy,
} from '../../../runtime/protocol/index.js'
import { scriptedChannel, specOf, startState } from './support/scripted-channel.js'

const demo = (role: 'Alice' | 'Bob', incoming: Parameters<typeof scriptedChannel>[0]['incoming'] = []) => {
  const channel = scriptedChannel({ protocol: 'Demo', version: 1, role, counterparty: role === 'Alice' ? 'Bob' : 'Alice', incoming })
  return { channel, ...startState(DemoV1, role, channel) }
}

describe('ProtocolState: sending and receiving', () => {
  it('sends a valid payload under its label and moves to the next state', async () => {
    const { channel, state } = demo('Alice', [{ kind: 'data', label: 'greeting', payload: 'hello' }])
    const next = await state.send(42)
    expect(channel.sent).toEqual([{ kind: 'data', label: 'amount', payload: 42 }])
    expect(next.stateId).toBe(1)
    const { payload, next: third } = await next.receive()
    expect(payload).toBeInstanceOf(Untrustworthy)
    expect(payload.unwrap((g) => g)).toBe('hello')
    expect(third.stateId).toBe(2)
  })

  it('refuses to send a payload that fails the schema, naming protocol, role and step, and sends nothing', async () => {
    const { channel, state } = demo('Alice')
    await expect(state.send(4.5)).rejects.toThrow(InvalidPayloadError)
    const again = demo('Alice')
    await expect(again.state.send('42')).rejects.toThrow(
      /^Demo v1 Alice, step 1 of 4 \('amount'\): the payload for 'amount' does not match the protocol's schema/,
    )
    expect(channel.sent).toEqual([])
  })

  it('rejects a message with another label, or a payload that fails the schema, as a protocol violation', async () => {
    const wrongLabel = demo('Bob', [{ kind: 'data', label: 'reply', payload: 'x' }])
    await expect(wrongLabel.state.receive()).rejects.toThrow(
      "Demo v1 Bob, step 1 of 4 ('amount'): expected message 'amount' from Alice but Alice sent message 'reply'",
    )
    const wrongPayload = demo('Bob', [{ kind: 'data', label: 'amount', payload: 'many' }])
    await expect(wrongPayload.state.receive()).rejects.toThrow(ProtocolViolationError)
    const aChoice = demo('Bob', [{ kind: 'choice', label: 'amount', branch: 'x' }])
    await expect(aChoice.state.receive()).rejects.toThrow("sent choice 'amount' = x")
  })

  it('allows only the method the state offers, saying which one it expects', async () => {
    const { state } = demo('Bob')
    await expect(state.send(1)).rejects.toThrow(ProtocolUsageError)
    await expect(demo('Bob').state.send(1)).rejects.toThrow('send() is not allowed here; the protocol expects receive()')
    expect(() => demo('Alice').state.end()).toThrow('end() is not allowed here; the protocol expects send()')
  })
})

describe('ProtocolState: stale states', () => {
  it('throws StaleStateError when a state object is used a second time, by any method', async () => {
    const { state } = demo('Alice', [{ kind: 'data', label: 'greeting', payload: 'hi' }])
    const next = await state.send(1)
    await expect(state.send(2)).rejects.toThrow(StaleStateError)
    await expect(state.receive()).rejects.toThrow("Demo v1 Alice, step 1 of 4 ('amount'): this state was already used, so receive() on it is stale")
    await next.receive()
    await expect(next.receive()).rejects.toThrow(/step 2 of 4 \('greeting'\): this state was already used/)
  })

  it('counts a failed use as a use: a rejected send leaves the state spent', async () => {
    const { channel, state } = demo('Alice')
    await expect(state.send('not a number')).rejects.toThrow(InvalidPayloadError)
    await expect(state.send(1)).rejects.toThrow(StaleStateError)
    expect(channel.sent).toEqual([])
  })

  it('lets only the End state complete, once', async () => {
    const incoming = [
      { kind: 'data', label: 'greeting', payload: 'hi' },
      { kind: 'data', label: 'result', payload: { name: 'n', count: 1 } },
    ] as const
    const { state, run } = demo('Alice', [...incoming])
    const s2 = await state.send(1)
    const s3 = (await s2.receive()).next
    const s4 = await s3.send('reply')
    const { next: end } = await s4.receive()
    const completion = end.end('done')
    expect(completion).toBeInstanceOf(Completion)
    expect(completion.result).toBe('done')
    expect(completion.run).toBe(run)
    expect(() => end.end('twice')).toThrow(StaleStateError)
  })
})

describe('ProtocolState: choices', () => {
  it('sends the chosen branch and follows it; an unknown branch is refused with the branches listed', async () => {
    const channel = scriptedChannel({ protocol: 'Echo', version: 1, role: 'Caller' })
    const { state } = startState(EchoV1, 'Caller', channel)
    const ping = await state.choose('ping')
    expect(channel.sent).toEqual([{ kind: 'choice', label: 'next', branch: 'ping' }])
    expect(ping.stateId).toBe(1)
    const other = startState(EchoV1, 'Caller', scriptedChannel({ protocol: 'Echo', version: 1, role: 'Caller' })).state
    await expect(other.choose('pong')).rejects.toThrow("'pong' is not a branch of 'next'; choose one of ping, done")
  })

  it('offers the peer-chosen branch, as a value or through handlers, and rejects a branch the protocol lacks', async () => {
    const issue = { kind: 'choice', label: 'decision', branch: 'issue' } as const
    const start = async (frame: typeof issue | { kind: 'choice'; label: string; branch: string }): Promise<ProtocolState> => {
      const channel = scriptedChannel({ protocol: 'IssueRequest', version: 1, role: 'Requester', incoming: [frame] })
      const { state } = startState(IssueRequestV1, 'Requester', channel)
      return state.send({ amount: { quantity: 5, currency: 'GBP' }, reference: 'r-1' })
    }
    const offered = (await (await start(issue)).offer()) as { branch: string; next: ProtocolState }
    expect(offered.branch).toBe('issue')
    expect(offered.next.stateId).toBe(2)
    const matched = await (await start({ kind: 'choice', label: 'decision', branch: 'decline' })).match({
      issue: () => 'i',
      decline: (next) => `declined at ${next.stateId}`,
    })
    expect(matched).toBe('declined at 4')
    await expect((await start({ kind: 'choice', label: 'decision', branch: 'maybe' })).offer()).rejects.toThrow(
      "expected Issuer's choice 'decision' (one of issue, decline) but Peer sent choice 'decision' = maybe",
    )
  })
})

describe('ProtocolState: errors raised by the peer', () => {
  const Quote = protocol('Quote', { version: 1, initiator: 'Buyer', responder: 'Seller' })
    .errors({ TooExpensive: z.object({ limit: z.number() }) })
    .receive('price', z.number())
    .end()
  const raised = (type: string, details: unknown): FlowException => {
    const error = new FlowException('Quote', type, details, `Seller says ${type}`)
    error.peer = 'Seller'
    return error
  }
  const receiveWith = (error: Error) =>
    startState(Quote, 'Buyer', scriptedChannel({ protocol: 'Quote', version: 1, role: 'Buyer', incoming: [error] })).state.receive()

  it('passes on a declared error with details that match, parsed', async () => {
    const error = await receiveWith(raised('TooExpensive', { limit: 10 })).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FlowException)
    expect(error).toMatchObject({ errorType: 'TooExpensive', details: { limit: 10 }, peer: 'Seller', message: 'Seller says TooExpensive' })
  })

  it('turns an undeclared error type, or details that fail the schema, into a protocol violation', async () => {
    await expect(receiveWith(raised('OutOfStock', {}))).rejects.toThrow('Seller raised OutOfStock, which Quote does not declare (it declares TooExpensive)')
    await expect(receiveWith(raised('TooExpensive', { limit: 'ten' }))).rejects.toThrow(ProtocolViolationError)
  })

  it('lets other errors through unchanged', async () => {
    const failure = new Error('channel closed')
    await expect(receiveWith(failure)).rejects.toBe(failure)
  })
})

describe('ProtocolState: inlined sub-protocols', () => {
  const Sign = protocol('Sign', { version: 1, initiator: 'Asker', responder: 'Signer' }).send('doc', z.string()).receive('sig', z.string()).end()
  const Deal = protocol('Deal', { version: 1, initiator: 'Seller', responder: 'Buyer' })
    .send('offer', z.number())
    .inline(Sign, { label: 'signing', roles: { Asker: 'Buyer', Signer: 'Seller' } })
    .end()

  it('runs the inlined protocol in the mapped role with prefixed labels, then continues the parent', async () => {
    const channel = scriptedChannel({ protocol: 'Deal', version: 1, role: 'Seller', incoming: [{ kind: 'data', label: 'signing.doc', payload: 'contract' }] })
    const { state } = startState(Deal, 'Seller', channel, { signing: specOf(Sign) })
    const atInline = await state.send(100)
    const { result, next } = await atInline.inline(async (sub) => {
      const { payload, next: reply } = await sub.receive()
      return (await reply.send(`signed ${payload.unwrap((d) => d)}`)).end('sub-result')
    })
    expect(result).toBe('sub-result')
    expect(channel.sent).toEqual([
      { kind: 'data', label: 'offer', payload: 100 },
      { kind: 'data', label: 'signing.sig', payload: 'signed contract' },
    ])
    expect(() => next.end()).not.toThrow()
  })
})
