/**
 * The run-time half of state safety: the compiler cannot stop a flow from keeping a state object and using
 * it again, so the runtime does, with a StaleStateError naming protocol, version, role and step.
 */
import { describe, expect, it } from 'vitest'
import { Demo, type DemoV1Alice_Handler, type DemoV1Bob_Handler, type DemoV2Alice_Handler, type DemoV2Bob_Handler } from '../../generated/demo.js'
import { PriceNegotiation } from '../../generated/price-negotiation.js'
import { type ResponderRegistration, StaleStateError, UnexpectedFlowEndError } from '../../runtime/protocol/index.js'
import { type SessionTestOutcome, testSession } from '../../runtime/testing/index.js'

const aliceV1: DemoV1Alice_Handler<string> = async (s) => {
  const { payload, next } = await (await s.send(7)).receive()
  const { payload: result, next: end } = await (await next.send(payload.unwrap((g) => g))).receive()
  return end.end(result.unwrap((r) => `${r.name}:${r.count}`))
}

const aliceV2: DemoV2Alice_Handler<string> = async (s) => {
  const { payload, next } = await (await s.send('seven')).receive()
  const { payload: result, next: end } = await (await next.send(payload.unwrap((g) => g))).receive()
  return end.end(result.unwrap((r) => `${r.name}:${r.count}`))
}

const bobV1: DemoV1Bob_Handler<number> = async (s) => {
  const { payload, next } = await s.receive()
  const amount = payload.unwrap((n) => n)
  const { payload: reply, next: sendResult } = await (await next.send(`v1 got ${amount}`)).receive()
  return (await sendResult.send({ name: reply.unwrap((r) => r), count: amount })).end(1)
}

const bobV2: DemoV2Bob_Handler<number> = async (s) => {
  const { payload, next } = await s.receive()
  const amount = payload.unwrap((a) => a)
  const { payload: reply, next: sendResult } = await (await next.send(`v2 got ${amount}`)).receive()
  return (await sendResult.send({ name: reply.unwrap((r) => r), count: amount.length })).end(2)
}

const unreachable = (): never => {
  throw new Error('unreachable: the stale call should have thrown')
}

/** A responder that accepts only `versions`, like a peer still running an older release. */
function onlyVersions(registration: ResponderRegistration, versions: readonly number[]): ResponderRegistration {
  return { ...registration, versions: registration.versions.filter((v) => versions.includes(v.version)) }
}

/** The initiator's result, or its error, as the test's promise. */
function initiatorRun<R>(session: Promise<SessionTestOutcome<R>>): Promise<R> {
  return session.then(({ initiator }) => (initiator.status === 'fulfilled' ? initiator.value : Promise.reject(initiator.reason)))
}

async function responderOutcome(session: Promise<SessionTestOutcome<unknown>>) {
  const { version, responder } = await session
  if (!responder) throw new Error('no session was opened')
  return { version, outcome: responder }
}

describe('in-process sessions (the harness itself)', () => {
  it('runs Demo on the highest common version, v2', async () => {
    const session = testSession(Demo, {
      responder: Demo.responder({ v1: bobV1, v2: bobV2 }),
      initiator: (ctx) => Demo.initiate(ctx, 'Bob', { v1: aliceV1, v2: aliceV2 }),
    })
    expect(await initiatorRun(session)).toBe('v2 got seven:5')
    expect(await responderOutcome(session)).toEqual({ version: 2, outcome: { status: 'fulfilled', value: 2 } })
  })

  it('falls back to v1 with a peer that only runs v1', async () => {
    const session = testSession(Demo, {
      responder: onlyVersions(Demo.responder({ v1: bobV1, v2: bobV2 }), [1]),
      initiator: (ctx) => Demo.initiate(ctx, 'Bob', { v1: aliceV1, v2: aliceV2 }),
    })
    expect(await initiatorRun(session)).toBe('v1 got 7:7')
    expect(await responderOutcome(session)).toEqual({ version: 1, outcome: { status: 'fulfilled', value: 1 } })
  })
})

describe('a state object used twice throws StaleStateError', () => {
  it('names protocol, version, role and step for a repeated send (initiator, v2)', async () => {
    const session = testSession(Demo, {
      responder: Demo.responder({ v1: bobV1, v2: bobV2 }),
      initiator: (ctx) =>
        Demo.initiate(ctx, 'Bob', {
          v1: aliceV1,
          v2: async (s) => {
            await s.send('first')
            await s.send('second')
            return unreachable()
          },
        }),
    })
    const run = initiatorRun(session)
    await expect(run).rejects.toThrow(StaleStateError)
    await expect(run).rejects.toThrow("Demo v2 Alice, step 1 of 4 ('amount'): this state was already used, so send() on it is stale")
    // Bob was waiting for Alice's reply; her failed flow ends the session instead of leaving him hanging.
    const { version, outcome } = await responderOutcome(session)
    expect(version).toBe(2)
    expect(outcome.status === 'rejected' && outcome.reason).toBeInstanceOf(UnexpectedFlowEndError)
  })

  it('names the negotiated version: a repeated receive after falling back to v1', async () => {
    const session = testSession(Demo, {
      responder: onlyVersions(Demo.responder({ v1: bobV1, v2: bobV2 }), [1]),
      initiator: (ctx) =>
        Demo.initiate(ctx, 'Bob', {
          v1: async (s) => {
            const awaitingGreeting = await s.send(7)
            await awaitingGreeting.receive()
            await awaitingGreeting.receive()
            return unreachable()
          },
          v2: aliceV2,
        }),
    })
    const run = initiatorRun(session)
    await expect(run).rejects.toThrow(StaleStateError)
    await expect(run).rejects.toThrow("Demo v1 Alice, step 2 of 4 ('greeting'): this state was already used, so receive() on it is stale")
  })

  it('names the responder role (Bob) and its step', async () => {
    const session = testSession(Demo, {
      responder: Demo.responder({
        v1: bobV1,
        v2: async (s) => {
          const { next } = await s.receive()
          await next.send('hello')
          await next.send('hello again')
          return unreachable()
        },
      }),
      initiator: (ctx) => Demo.initiate(ctx, 'Bob', { v1: aliceV1, v2: aliceV2 }),
    })
    // Alice waits for Bob's `result`; Bob's failure ends the session for her.
    await expect(initiatorRun(session)).rejects.toThrow(UnexpectedFlowEndError)
    const { outcome } = await responderOutcome(session)
    expect(outcome.status).toBe('rejected')
    const reason = outcome.status === 'rejected' ? (outcome.reason as Error) : undefined
    expect(reason).toBeInstanceOf(StaleStateError)
    expect(reason?.message).toContain("Demo v2 Bob, step 2 of 4 ('greeting'): this state was already used, so send() on it is stale")
  })

  it('covers the End state: end() twice', async () => {
    const session = testSession(Demo, {
      responder: Demo.responder({ v1: bobV1, v2: bobV2 }),
      initiator: (ctx) =>
        Demo.initiate(ctx, 'Bob', {
          v1: aliceV1,
          v2: async (s) => {
            const { next } = await (await s.send('x')).receive()
            const { next: end } = await (await next.send('y')).receive()
            end.end('once')
            return end.end('twice')
          },
        }),
    })
    const run = initiatorRun(session)
    await expect(run).rejects.toThrow(StaleStateError)
    await expect(run).rejects.toThrow('Demo v2 Alice, end (after step 4) (end): this state was already used, so end() on it is stale')
  })

  it('covers choices: choose() twice on one state of a loop', async () => {
    const session = testSession(PriceNegotiation, {
      responder: PriceNegotiation.responder({
        v1: async (s) => {
          const { next } = await s.receive()
          await next.choose('counter')
          await next.choose('accept')
          return unreachable()
        },
      }),
      initiator: (ctx) =>
        PriceNegotiation.initiate(ctx, 'Seller', {
          v1: async (s) => {
            const response = await s.send({ price: { quantity: 100, currency: 'EUR' } })
            return response.match({
              accept: async (a) => (await a.receive()).next.end(),
              counter: async (c) => {
                const { next } = await c.receive()
                return (await (await next.choose('walkAway')).send({ reason: 'no' })).end()
              },
            })
          },
        }),
    })
    await expect(initiatorRun(session)).rejects.toThrow(UnexpectedFlowEndError)
    const { outcome } = await responderOutcome(session)
    const reason = outcome.status === 'rejected' ? (outcome.reason as Error) : undefined
    expect(reason).toBeInstanceOf(StaleStateError)
    expect(reason?.message).toContain("PriceNegotiation v1 Seller, step 2 of 7 ('response'): this state was already used, so choose() on it is stale")
  })
})
