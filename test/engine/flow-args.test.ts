/**
 * Flow arguments: a flow declared with a schema refuses a start whose arguments do not match it, naming the
 * flow and the field, before anything is written; a session opened with no counterparty fails where it is
 * opened, not in the store.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { flow, InvalidFlowArgsError } from '../../runtime/engine/index.js'
import { InvalidOptionError } from '../../runtime/protocol/errors/invalid-option-error.js'
import type { ProtocolState } from '../../runtime/protocol/session/index.js'
import { Cluster } from './support/cluster.js'
import { familyOf } from './support/family.js'
import { PingV1 } from './support/protocols.js'

const Ping = familyOf(PingV1)
type S = ProtocolState

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

const pong = Ping.responder({
  v1: async (s: S) => {
    const { payload, next } = await s.receive()
    return (await next.send(`pong:${payload.unwrap((v) => v as string)}`)).end()
  },
})

const pingArgs = z.object({ peer: z.string().min(1), times: z.number().int().positive().default(1) })

const ping = flow('ping', pingArgs, async (ctx, args) =>
  Ping.initiate(ctx, args.peer, {
    v1: async (s: S) => {
      const { payload, next } = await (await s.send(`x${args.times}`)).receive()
      return next.end(payload.unwrap((v) => v))
    },
  }),
)

/** No schema: whatever the caller passes reaches the body. */
const unchecked = flow('unchecked', async (ctx, args: { peer: string }) =>
  Ping.initiate(ctx, args.peer, {
    v1: async (s: S) => {
      const { payload, next } = await (await s.send('y')).receive()
      return next.end(payload.unwrap((v) => v))
    },
  }),
)

async function twoNodes() {
  cluster = new Cluster()
  const alice = await cluster.add('Alice', { flows: [ping, unchecked] })
  await cluster.add('Bob', { responders: [pong] })
  return alice
}

const empty = { flows: 0, journal: 0, sessions: 0, inbox: 0, outbox: 0, processed: 0, timers: 0 }

describe('flow arguments', () => {
  it('refuses a start whose arguments miss a field, naming the flow and the field, and writes nothing', async () => {
    const alice = await twoNodes()
    let thrown: unknown
    try {
      // A typo in a field name: what a config file or an untyped caller can pass.
      alice.startFlow(ping, { pear: 'Bob' } as unknown as z.input<typeof pingArgs>, { flowId: 'typo' })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InvalidFlowArgsError)
    const error = thrown as InvalidFlowArgsError
    expect(error.code).toBe('INVALID_FLOW_ARGS')
    expect(error.flow).toBe('ping')
    expect(error.issues).toEqual([{ path: 'peer', message: 'Invalid input: expected string, received undefined' }])
    expect(error.message).toBe(
      "Flow 'ping' was not started: its arguments do not match its schema (peer: Invalid input: expected string, received undefined); pass arguments the schema accepts.",
    )
    await alice.committed()
    expect(await alice.tableCounts()).toMatchObject(empty)
    expect(await alice.flowStatus('typo')).toBeUndefined()
    // The node keeps serving: the same id starts once the arguments are right.
    await expect(alice.startFlow(ping, { peer: 'Bob' }, { flowId: 'typo' }).result).resolves.toBe('pong:x1')
  })

  it('names nested fields and array positions, and refuses arguments that are not an object at all', async () => {
    const alice = await twoNodes()
    const nested = flow('nested', z.object({ legs: z.array(z.object({ qty: z.number() })) }), async () => 0)
    expect(() => alice.startFlow(nested, { legs: [{ qty: 1 }, { qty: '2' as unknown as number }] })).toThrow(
      "Flow 'nested' was not started: its arguments do not match its schema (legs[1].qty: Invalid input: expected number, received string)",
    )
    expect(() => alice.startFlow(nested, undefined as unknown as { legs: [] })).toThrow(
      "Flow 'nested' was not started: its arguments do not match its schema ((the arguments): Invalid input: expected object, received undefined)",
    )
    await alice.committed()
    expect(await alice.tableCounts()).toMatchObject(empty)
  })

  it('hands the body the parsed arguments, also as a sub-flow', async () => {
    const alice = await twoNodes()
    await expect(alice.startFlow(ping, { peer: 'Bob', times: 3 }).result).resolves.toBe('pong:x3')
    const outer = flow('outer', async (ctx) => ctx.subFlow(ping, { peer: 'Bob' }))
    await expect(alice.startFlow(outer, undefined).result).resolves.toBe('pong:x1')
    const badSub = flow('bad-sub', async (ctx) => ctx.subFlow(ping, { peer: '' }))
    await expect(alice.startFlow(badSub, undefined).result).rejects.toThrow(
      "Flow 'ping' was not started: its arguments do not match its schema (peer: Too small: expected string to have >=1 characters)",
    )
  })

  it('opening a session with no counterparty throws at the call site and the node keeps serving', async () => {
    const alice = await twoNodes()
    const caught = flow('caught', async (ctx, args: { peer: string }) => {
      try {
        return await ctx.subFlow(unchecked, args)
      } catch (error) {
        return { code: (error as InvalidOptionError).code, message: (error as Error).message, isOption: error instanceof InvalidOptionError }
      }
    })
    const handle = alice.startFlow(caught, { pear: 'Bob' } as unknown as { peer: string })
    await expect(handle.result).resolves.toEqual({
      code: 'INVALID_OPTION',
      isOption: true,
      message: "Opening a Ping session needs a counterparty, the name of a party (a non-empty string), but got undefined; pass the party's name.",
    })
    await alice.committed()
    expect((await alice.tableCounts()).sessions).toBe(0)
    await expect(alice.startFlow(unchecked, { peer: 'Bob' }).result).resolves.toBe('pong:y')
  })
})
