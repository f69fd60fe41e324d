/**
 * The builds an upgrade of Demo goes through, as nodes are deployed with them (the scenario of Corda's
 * upgrading document: v1 sends the amount as an Int, v2 as a String):
 *
 * - 'old': declares Demo v1 only, a release made before v2 existed;
 * - 'new': declares v1 and v2;
 * - 'next': declares v2 only, v1 retired;
 * - 'changed': a v1 whose definition changed without a version bump (the mistake the handshake catches).
 *
 * Flow and responder names are the same in every build, so a node restarted with another build resumes its
 * flows under the same names. A build has the shape of a node app (flows, responders) plus the protocols it
 * declares, so the same builds can run in-process or as separate node processes.
 */
import { z } from 'zod'
import {
  Demo,
  type DemoOnly,
  type DemoV1Alice_Handler,
  type DemoV1Bob_Handler,
  type DemoV2Alice_Handler,
  type DemoV2Bob_Handler,
} from '../../../generated/demo.js'
import { CustomType } from '../../../protocols/demo.protocol.js'
import { protocol } from '../../../runtime/protocol/index.js'
import { type DeclaredProtocol, type Flow, flow } from '../../../runtime/engine/index.js'
import { type FlowContext, type ResponderRegistration, protocolFamily } from '../../../runtime/protocol/session/index.js'
import { versionSpec } from './family.js'

export type BuildName = 'old' | 'new' | 'next' | 'changed'

export interface Build {
  readonly name: BuildName
  /** Flows the node can start and resume: `demo.send-amount` (args: SendAmountArgs). */
  readonly flows: readonly Flow[]
  /** The Demo responder, registered under the protocol name 'Demo'. */
  readonly responders: readonly ResponderRegistration[]
  /** What the build's flows initiate, for NodeOptions.protocols. */
  readonly protocols: readonly DeclaredProtocol[]
}

export interface SendAmountArgs {
  readonly peer: string
  readonly amount: number
  /** A durable pause between receiving the greeting and replying: keeps the responder in flight meanwhile. */
  readonly pauseBeforeReplyMs?: number
}

/** What the initiator's flow returns: the version that ran and the CustomType it received. */
export interface SendAmountResult {
  readonly version: number
  readonly name: string
  readonly count: number
}

/** What the responder's flow ends with (see FlowEndEvent.result): the version that ran and the amount it read. */
export interface ReceiveAmountResult {
  readonly version: number
  readonly amount: number
}

/** Demo v1 as someone edited it in place: the amount must now be non-negative, and the version stayed 1. */
export const DemoV1Changed = protocol('Demo', { version: 1, initiator: 'Alice', responder: 'Bob' })
  .send('amount', z.number().int().nonnegative())
  .receive('greeting', z.string())
  .send('reply', z.string())
  .receive('result', CustomType)
  .end()

export const DemoOld = Demo.only(1)
export const DemoNext = Demo.only(2)
export const DemoChanged = protocolFamily<DemoOnly<1>>({ name: 'Demo', versions: [versionSpec(DemoV1Changed)] })

const aliceV1 =
  (args: SendAmountArgs): DemoV1Alice_Handler<SendAmountResult> =>
  async (s, ctx) => {
    const { payload: greeting, next } = await (await s.send(args.amount)).receive()
    if (args.pauseBeforeReplyMs) await ctx.sleep(args.pauseBeforeReplyMs)
    const { payload, next: end } = await (await next.send(`${greeting.unwrap((g) => g)}, Bob`)).receive()
    return end.end({ version: 1, ...payload.unwrap((r) => r) })
  }

const aliceV2 =
  (args: SendAmountArgs): DemoV2Alice_Handler<SendAmountResult> =>
  async (s, ctx) => {
    const { payload: greeting, next } = await (await s.send(String(args.amount))).receive()
    if (args.pauseBeforeReplyMs) await ctx.sleep(args.pauseBeforeReplyMs)
    const { payload, next: end } = await (await next.send(`${greeting.unwrap((g) => g)}, Bob`)).receive()
    return end.end({ version: 2, ...payload.unwrap((r) => r) })
  }

const bobV1: DemoV1Bob_Handler<ReceiveAmountResult> = async (s) => {
  const { payload, next } = await s.receive()
  const amount = payload.unwrap((a) => a)
  const { payload: reply, next: resultState } = await (await next.send(`Hello, you sent ${amount}`)).receive()
  const end = await resultState.send({ name: reply.unwrap((r) => r), count: amount })
  return end.end({ version: 1, amount })
}

const bobV2: DemoV2Bob_Handler<ReceiveAmountResult> = async (s) => {
  const { payload, next } = await s.receive()
  const amount = payload.unwrap((a) => {
    const n = Number(a)
    if (!Number.isInteger(n)) throw new Error(`amount '${a}' is not an integer`)
    return n
  })
  const { payload: reply, next: resultState } = await (await next.send(`Hello, you sent ${amount}`)).receive()
  const end = await resultState.send({ name: reply.unwrap((r) => r), count: amount })
  return end.end({ version: 2, amount })
}

const sendAmount = (initiate: (ctx: FlowContext, args: SendAmountArgs) => Promise<SendAmountResult>) =>
  flow('demo.send-amount', (ctx, args: SendAmountArgs) => initiate(ctx, args))

export const builds: Readonly<Record<BuildName, Build>> = {
  old: {
    name: 'old',
    flows: [sendAmount((ctx, args) => DemoOld.initiate(ctx, args.peer, { v1: aliceV1(args) }))],
    responders: [DemoOld.responder({ v1: bobV1 })],
    protocols: [DemoOld],
  },
  new: {
    name: 'new',
    flows: [sendAmount((ctx, args) => Demo.initiate(ctx, args.peer, { v1: aliceV1(args), v2: aliceV2(args) }))],
    responders: [Demo.responder({ v1: bobV1, v2: bobV2 })],
    protocols: [Demo],
  },
  next: {
    name: 'next',
    flows: [sendAmount((ctx, args) => DemoNext.initiate(ctx, args.peer, { v2: aliceV2(args) }))],
    responders: [DemoNext.responder({ v2: bobV2 })],
    protocols: [DemoNext],
  },
  changed: {
    name: 'changed',
    flows: [sendAmount((ctx, args) => DemoChanged.initiate(ctx, args.peer, { v1: aliceV1(args) }))],
    responders: [DemoChanged.responder({ v1: bobV1 })],
    protocols: [DemoChanged],
  },
}

/** The flow every build registers under the same name; start it with the build the node runs. */
export function sendAmountFlow(build: BuildName): Flow<SendAmountArgs, SendAmountResult> {
  return builds[build].flows[0] as Flow<SendAmountArgs, SendAmountResult>
}
