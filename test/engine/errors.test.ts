import { afterEach, describe, expect, it } from 'vitest'
import { type FlowEndEvent, flow } from '../../runtime/engine/index.js'
import {
  FlowException,
  type ProtocolState,
  ProtocolViolationError,
  type ResponderRegistration,
  UnexpectedFlowEndError,
} from '../../runtime/protocol/session/index.js'
import { Cluster } from './support/cluster.js'
import { versionSpec } from './support/family.js'
import { Rounds } from './support/protocols.js'
import { RoundsFamily } from './support/rounds-flows.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

type S = ProtocolState

/** Sends q1 and waits for a1: where the responder's failure shows up. */
const askOnce = flow('ask-once', async (ctx, n: number) =>
  RoundsFamily.initiate(ctx, 'Bob', {
    v1: async (s: S) => {
      const { payload } = await (await s.send(n)).receive()
      return payload.unwrap((v) => v)
    },
  }),
)

const catchAround = flow('catch-around', async (ctx) => {
  try {
    return await ctx.subFlow(askOnce, 7)
  } catch (error) {
    if (RoundsFamily.errors.Refused!.is(error)) return { caught: error.errorType, message: error.message, details: error.details, peer: error.peer }
    throw error
  }
})

function responder(fail: (n: number) => never): ResponderRegistration {
  return RoundsFamily.responder({
    v1: async (s: S) => {
      const { payload } = await s.receive()
      return fail(payload.unwrap((v) => v as number))
    },
  })
}

async function setup(bobResponder: ResponderRegistration) {
  cluster = new Cluster()
  const ended: FlowEndEvent[] = []
  const alice = await cluster.add('Alice')
  await cluster.add('Bob', { responders: [bobResponder], onFlowEnd: (e) => ended.push(e) })
  return { alice, ended }
}

describe('errors across a session', () => {
  it('a declared FlowException reaches the peer with type, message and details, catchable around a sub-flow', async () => {
    const { alice } = await setup(
      responder((n) => {
        throw RoundsFamily.errors.Refused!.create({ why: `too small: ${n}` }, `Bob refuses ${n}`)
      }),
    )
    await expect(alice.startFlow(catchAround, undefined).result).resolves.toEqual({
      caught: 'Refused',
      message: 'Bob refuses 7',
      details: { why: 'too small: 7' },
      peer: 'Bob',
    })
  })

  it('any other error ends the peer with UnexpectedFlowEndError and does not leak its message', async () => {
    const { alice } = await setup(
      responder(() => {
        throw new Error('password=hunter2')
      }),
    )
    const error = (await alice.startFlow(askOnce, 1).result.catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(UnexpectedFlowEndError)
    expect(error).not.toBeInstanceOf(FlowException)
    expect(error.message).toContain("Bob's flow on the Rounds session failed with an error it did not declare")
    expect(error.message).not.toContain('hunter2')
  })

  it('a peer that ends early gives UnexpectedFlowEndError at the next receive, not a hang', async () => {
    const early: ResponderRegistration = {
      protocol: 'Rounds',
      versions: [{ version: 1, hash: versionSpec(Rounds).hash }],
      run: async (channel) => {
        await channel.receive()
        await channel.close!()
      },
    }
    const { alice } = await setup(early)
    const started = Date.now()
    const error = (await alice.startFlow(askOnce, 1).result.catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(UnexpectedFlowEndError)
    expect(error.message).toContain('Bob ended the Rounds session while this flow tried to receive a message')
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('an invalid payload fails the receiver with the protocol, step and zod issue; the sender sees the session end', async () => {
    const { alice, ended } = await setup(
      RoundsFamily.responder({
        v1: async (s: S) => {
          const { next } = await s.receive()
          return (await (await next.send(1)).receive()).next.end()
        },
      }),
    )
    const rogue = flow('rogue', async (ctx) => {
      const channel = await ctx.openSession({ protocol: 'Rounds', counterparty: 'Bob', versions: [{ version: 1, hash: versionSpec(Rounds).hash }] })
      await channel.send({ kind: 'data', label: 'q1', payload: 'not a number' })
      return channel.receive()
    })
    await expect(alice.startFlow(rogue, undefined).result).rejects.toBeInstanceOf(UnexpectedFlowEndError)
    const bobEnd = ended.find((e) => e.kind === 'responder')!
    expect(bobEnd.ok).toBe(false)
    expect(bobEnd.error).toBeInstanceOf(ProtocolViolationError)
    expect((bobEnd.error as Error).message).toMatch(
      /Rounds v1 Answerer, step 1 of 4 \('q1'\): expected 'q1' .*but got "not a number" from Alice: .*expected number/,
    )
  })

  it('a FlowException travels one hop: the next hop sees UnexpectedFlowEndError', async () => {
    // Alice -> Bob (relay) -> Carol (refuses). Bob rethrows Carol's FlowException; Alice must not get it.
    const relayToCarol = flow('relay-to-carol', async (ctx, n: number) =>
      RoundsFamily.initiate(ctx, 'Carol', {
        v1: async (s: S) => (await (await s.send(n)).receive()).next as never,
      }),
    )
    const relay = RoundsFamily.responder({
      v1: async (s: S, ctx) => {
        const { payload } = await s.receive()
        return ctx.subFlow(
          relayToCarol,
          payload.unwrap((v) => v as number),
        ) as never
      },
    })
    cluster = new Cluster()
    const alice = await cluster.add('Alice')
    await cluster.add('Bob', { responders: [relay] })
    await cluster.add('Carol', {
      responders: [
        responder(() => {
          throw RoundsFamily.errors.Refused!.create({ why: 'no' })
        }),
      ],
    })
    const error = await alice.startFlow(askOnce, 3).result.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnexpectedFlowEndError)
  })

  it('a declared error whose details break its schema, or an error type the protocol does not declare, is a protocol violation', async () => {
    const { alice } = await setup(
      responder((n) => {
        // A peer's code is not bound by our types: it may send any details, or any error type.
        if (n === 1) throw new FlowException('Rounds', 'Refused', { why: 42 }, 'Bob refuses')
        throw new FlowException('Rounds', 'Invented', { anything: true }, 'Bob invents')
      }),
    )
    const badDetails = (await alice.startFlow(askOnce, 1).result.catch((e: unknown) => e)) as Error
    expect(badDetails).toBeInstanceOf(ProtocolViolationError)
    expect(badDetails.message).toBe(
      "Bob raised Refused with details that do not match Rounds's schema for it: why: Invalid input: expected string, received number.",
    )
    const undeclared = (await alice.startFlow(askOnce, 2).result.catch((e: unknown) => e)) as Error
    expect(undeclared).toBeInstanceOf(ProtocolViolationError)
    expect(undeclared.message).toBe('Bob raised Invented, which Rounds does not declare (it declares Refused); the peer does not follow the protocol.')
  })
})
