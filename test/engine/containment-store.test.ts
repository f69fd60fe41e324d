/**
 * Containment of store write faults: a write the store refuses for one flow (its journal, session, inbox,
 * outbox or finish) fails that flow with an error naming the write, its peer sees the flow end, and the
 * node keeps serving other flows. A flow the store refuses to end stays parked and is ended after a restart.
 */
import { describe, expect, it } from 'vitest'
import type { FlowEndEvent } from '../../runtime/engine/index.js'
import type { Envelope } from '../../runtime/network/wire.js'
import { UnexpectedFlowEndError } from '../../runtime/protocol/session/index.js'
import { decode } from '../../runtime/store/codec.js'
import { Cluster, eventually } from './support/cluster.js'
import { answerTo, answering, asking, before } from './support/containment-flows.js'
import { type StoreFaults, addFaulty, containmentTests, flowOf } from './support/faults.js'

let cluster: Cluster
const watch = containmentTests(() => cluster)

/** Store faults aimed at Bob's first responder flow: `when` decides which of its writes throw. */
function atFirstResponder(when: (method: string, args: readonly unknown[]) => boolean): StoreFaults & { target(): string | undefined } {
  let target: string | undefined
  return {
    target: () => target,
    fail(method, args) {
      if (method === 'insertFlow' && args[2] === 'responder' && target === undefined) target = args[0] as string
      return target !== undefined && when(method, args) && (flowOf(method, args) === target || method === 'putOutbox')
    },
  }
}

async function setup(store: StoreFaults, keep = false) {
  cluster = new Cluster()
  const ended: FlowEndEvent[] = []
  const alice = await addFaulty(cluster, 'Alice', { flows: [asking] })
  const bob = await addFaulty(cluster, 'Bob', { responders: [answering], onFlowEnd: (e) => ended.push(e), store, keepFinishedFlows: keep })
  return { alice, bob, ended }
}

async function expectServing(alice: Awaited<ReturnType<typeof setup>>['alice']) {
  expect(await alice.startFlow(asking, { n: 5 }).result).toBe(answerTo(5))
}

describe('containment of store write faults', () => {
  it('an inbox write that throws fails the receiving flow and its initiator sees the flow end', async () => {
    const { alice, ended } = await setup(atFirstResponder((method, args) => method === 'putInbox' && args[1] === 1))
    await expect(alice.startFlow(asking, { n: 1 }).result).rejects.toBeInstanceOf(UnexpectedFlowEndError)
    await eventually(() => ended.length > 0)
    expect(ended[0]!.ok).toBe(false)
    expect((ended[0]!.error as Error).message).toMatch(/injected putInbox failure/)
    await expectServing(alice)
    expect(watch.errors).toEqual([])
  })

  it('a session write that throws while answering an init rejects the session, saying why', async () => {
    const { alice, bob } = await setup(atFirstResponder((method) => method === 'putSession'))
    const result = alice.startFlow(asking, { n: 1 }).result
    await expect(result).rejects.toBeInstanceOf(UnexpectedFlowEndError)
    await expect(result).rejects.toThrow(/injected putSession failure/)
    await expectServing(alice)
    await eventually(async () => (await bob.unfinishedFlows()).length === 0)
    expect(watch.errors).toEqual([])
  })

  it('an outbox write that throws on a send fails the flow, and the peer gets the error in place of that frame', async () => {
    let armed = true
    const faults = atFirstResponder((method, args) => {
      if (method !== 'putOutbox' || !armed) return false
      const envelope = decode<Envelope>(args[2] as Buffer)
      if (envelope.body.t !== 'data' || !(args[1] as string).startsWith('r:')) return false
      armed = false
      return true
    })
    const { alice, ended } = await setup(faults)
    await expect(alice.startFlow(asking, { n: 1 }).result).rejects.toBeInstanceOf(UnexpectedFlowEndError)
    await eventually(() => ended.length > 0)
    expect((ended[0]!.error as Error).message).toMatch(/injected putOutbox failure/)
    await expectServing(alice)
    expect(watch.errors).toEqual([])
  })

  it('a journal write that throws inside a step fails the flow and its initiator sees the flow end', async () => {
    const { alice, ended } = await setup(atFirstResponder((method) => method === 'putJournal'))
    await expect(alice.startFlow(asking, { n: 1 }).result).rejects.toBeInstanceOf(UnexpectedFlowEndError)
    await eventually(() => ended.length > 0)
    expect((ended[0]!.error as Error).message).toMatch(/injected putJournal failure/)
    await expectServing(alice)
    expect(watch.errors).toEqual([])
  })

  it('a timer write that throws fails the sleeping flow and its initiator sees the flow end', async () => {
    before.set(1, (ctx) => ctx.sleep(10))
    const { alice, ended } = await setup(atFirstResponder((method) => method === 'putTimer'))
    await expect(alice.startFlow(asking, { n: 1 }).result).rejects.toBeInstanceOf(UnexpectedFlowEndError)
    await eventually(() => ended.length > 0)
    expect((ended[0]!.error as Error).message).toMatch(/injected putTimer failure/)
    await expectServing(alice)
    expect(watch.errors).toEqual([])
  })

  it('a flow the store refuses to finish stays parked while the node serves others, and ends after a restart', async () => {
    let refuse = true
    const faults = atFirstResponder((method) => refuse && method === 'finishFlow')
    const { alice, bob } = await setup(faults, true)
    expect(await alice.startFlow(asking, { n: 1 }).result).toBe(answerTo(1))
    await eventually(() => bob.parkedFlows().some((p) => p.flowId === faults.target()))
    expect(bob.parkedFlows()[0]!.reason).toMatch(/injected finishFlow failure/)
    await expectServing(alice)
    refuse = false
    bob.crash()
    const reopened = await addFaulty(cluster, 'Bob', { responders: [answering], store: faults, keepFinishedFlows: true })
    await eventually(async () => (await reopened.unfinishedFlows()).length === 0)
    expect((await reopened.flowStatus(faults.target()!))?.status).toBe('done')
    expect(watch.errors).toEqual([])
  })
})
