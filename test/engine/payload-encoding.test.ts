import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type FlowEndEvent, flow } from '../../runtime/engine/index.js'
import { protocol } from '../../runtime/protocol/index.js'
import { InvalidPayloadError, type ProtocolState, type ResponderRegistration, UnexpectedFlowEndError } from '../../runtime/protocol/session/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { familyOf } from './support/family.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

type S = ProtocolState

const Loose = protocol('Loose', { version: 1, initiator: 'Asker', responder: 'Answerer' })
  .errors({ Broken: z.object({ info: z.unknown() }) })
  .send('hello', z.unknown())
  .receive('reply', z.unknown())
  .end()
const LooseFamily = familyOf(Loose)

const Twice = protocol('Twice', { version: 1, initiator: 'Teller', responder: 'Listener' }).send('hello', z.string()).send('blob', z.unknown()).end()
const TwiceFamily = familyOf(Twice)

const raw = [{ version: 1, hash: 'sha256:raw' }]

/** Receives the frames it is sent, then waits (for a frame that never comes). */
function collector(received: unknown[]): ResponderRegistration {
  return {
    protocol: 'Collect',
    versions: raw,
    run: async (channel) => {
      for (;;) {
        try {
          const frame = await channel.receive()
          received.push(frame.kind === 'data' ? frame.payload : frame.branch)
        } catch (error) {
          received.push(error)
          throw error
        }
      }
    },
  }
}

async function setup(bob: { responders?: ResponderRegistration[] }) {
  cluster = new Cluster()
  const ended: FlowEndEvent[] = []
  const alice = await cluster.add('Alice', { onFlowEnd: (e) => ended.push(e) })
  await cluster.add('Bob', { ...bob, onFlowEnd: (e) => ended.push(e) })
  return { alice, ended }
}

describe('values that cannot be encoded are refused where they are given', () => {
  it('a responder raising a declared error with unencodable details fails with the path; the initiator gets UnexpectedFlowEnd instead of hanging', async () => {
    const responder = LooseFamily.responder({
      v1: async (s: S) => {
        await s.receive()
        throw LooseFamily.errors.Broken!.create({ info: { callback: () => 1 } })
      },
    })
    const { alice, ended } = await setup({ responders: [responder] })
    const ask = flow('ask', async (ctx) => LooseFamily.initiate(ctx, 'Bob', { v1: async (s: S) => (await (await s.send('hi')).receive()).next.end() }))
    const error = await alice.startFlow(ask, undefined).result.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnexpectedFlowEndError)
    await eventually(() => ended.some((e) => e.kind === 'responder'))
    const bobs = ended.find((e) => e.kind === 'responder')!
    expect(bobs.error).toBeInstanceOf(InvalidPayloadError)
    expect((bobs.error as Error).message).toContain('details.info.callback is a function')
  }, 5000)

  it('an unencodable send throws at the call site with protocol, label and path; nothing is journaled or counted for it', async () => {
    const received: unknown[] = []
    const { alice } = await setup({ responders: [collector(received)] })
    const sender = flow('sender', async (ctx) => {
      const channel = await ctx.openSession({ protocol: 'Collect', counterparty: 'Bob', versions: raw })
      await channel.send({ kind: 'data', label: 'first', payload: 1 })
      const refused = await channel.send({ kind: 'data', label: 'blob', payload: { nested: [{ callback: () => 1 }] } }).catch((e: unknown) => e)
      refusals.push(refused)
      await channel.send({ kind: 'data', label: 'second', payload: 2 })
      await channel.close?.()
    })
    const refusals: unknown[] = []
    await alice.startFlow(sender, undefined).result
    const refused = refusals[0] as Error
    expect(refused).toBeInstanceOf(InvalidPayloadError)
    expect(refused.message).toContain("'blob'")
    expect(refused.message).toContain('Collect')
    expect(refused.message).toContain('payload.nested[0].callback is a function')
    // The refused send took no sequence number: the frame after it arrives as the next one.
    await eventually(() => received.length >= 3)
    expect(received.slice(0, 2)).toEqual([1, 2])
  }, 5000)

  it('a flow failing on an unencodable send through a protocol state ends its waiting peer with UnexpectedFlowEnd', async () => {
    const responder = TwiceFamily.responder({
      v1: async (s: S) => {
        const { next } = await s.receive()
        return (await next.receive()).next.end()
      },
    })
    const { alice, ended } = await setup({ responders: [responder] })
    const tell = flow('tell', async (ctx) =>
      TwiceFamily.initiate(ctx, 'Bob', {
        v1: async (s: S) => (await (await s.send('hi')).send({ when: new Date(0), fn: Symbol('x') })).end(),
      }),
    )
    const error = (await alice.startFlow(tell, undefined).result.catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect(error.message).toContain('Twice v1 Teller')
    expect(error.message).toContain("'blob'")
    expect(error.message).toContain('payload.fn is a symbol')
    await eventually(() => ended.some((e) => e.kind === 'responder'))
    expect(ended.find((e) => e.kind === 'responder')!.error).toBeInstanceOf(UnexpectedFlowEndError)
  }, 5000)

  it('a step result that would lose its class is refused with the step name and path', async () => {
    class Receipt {
      constructor(readonly id: string) {}
    }
    const { alice } = await setup({})
    const stepper = flow('stepper', async (ctx) => ctx.step('issue', () => ({ receipt: new Receipt('r-1') })))
    const error = (await alice.startFlow(stepper, undefined).result.catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect(error.message).toContain("Step 'issue' of flow 'stepper'")
    expect(error.message).toContain('result.receipt is an instance of Receipt')
  })

  it('a flow result that cannot be encoded fails the flow, naming the path', async () => {
    const { alice } = await setup({})
    const returner = flow('returner', async () => ({ ok: true, later: () => 'x' }))
    const error = (await alice.startFlow(returner, undefined).result.catch((e: unknown) => e)) as Error
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect(error.message).toContain("Flow 'returner'")
    expect(error.message).toContain('result.later is a function')
  })
})
