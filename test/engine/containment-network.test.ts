/**
 * Containment of network faults: a send that throws (for one envelope) fails the flow that sent it, the
 * peer gets an error frame in place of the frame that could not leave, and the node keeps serving.
 */
import { describe, expect, it } from 'vitest'
import type { FlowEndEvent } from '../../runtime/engine/index.js'
import { UnexpectedFlowEndError } from '../../runtime/protocol/session/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { answerTo, answering, asking } from './support/containment-flows.js'
import { addFaulty, containmentTests } from './support/faults.js'

let cluster: Cluster
const watch = containmentTests(() => cluster)

describe('containment of network faults', () => {
  it('a send that throws fails the sending flow, and its peer sees the flow end instead of waiting', async () => {
    cluster = new Cluster()
    const ended: FlowEndEvent[] = []
    let target: string | undefined
    const alice = await addFaulty(cluster, 'Alice', { flows: [asking] })
    await addFaulty(cluster, 'Bob', {
      responders: [answering],
      onFlowEnd: (e) => ended.push(e),
      // Bob's first answer (frame r1 of the first session) cannot be sent, however often it is tried.
      network: {
        send: (envelope) => {
          if (envelope.body.t === 'confirm') target ??= envelope.body.session
          return envelope.body.t === 'data' && envelope.body.session === target && envelope.body.seq === 1
        },
      },
    })
    await expect(alice.startFlow(asking, { n: 1 }).result).rejects.toBeInstanceOf(UnexpectedFlowEndError)
    await eventually(() => ended.length > 0)
    expect(ended[0]!.ok).toBe(false)
    expect((ended[0]!.error as Error).message).toMatch(/injected send failure/)
    expect(await alice.startFlow(asking, { n: 2 }).result).toBe(answerTo(2))
    expect(watch.errors).toEqual([])
  })

  it('a re-delivery that throws fails the flow the same way', async () => {
    // Bob is a member of the network whose node is not up yet: Alice waits for him.
    cluster = new Cluster({ parties: ['Bob'] })
    const ended: FlowEndEvent[] = []
    let target: string | undefined
    const sends = new Map<string, number>()
    // Bob is not on the network yet: Alice's init is sent again, and that second send throws.
    const alice = await addFaulty(cluster, 'Alice', {
      flows: [asking],
      onFlowEnd: (e) => ended.push(e),
      network: {
        send: (envelope) => {
          if (envelope.body.t === 'init') target ??= envelope.body.session
          if (envelope.body.session !== target) return false
          const n = (sends.get(envelope.id) ?? 0) + 1
          sends.set(envelope.id, n)
          return n === 2
        },
      },
    })
    const handle = alice.startFlow(asking, { n: 1 })
    await expect(handle.result).rejects.toThrow(/injected send failure/)
    await eventually(() => ended.length > 0)
    await addFaulty(cluster, 'Bob', { responders: [answering] })
    expect(await alice.startFlow(asking, { n: 2 }).result).toBe(answerTo(2))
    expect(watch.errors).toEqual([])
  })

  it('an acknowledgement whose outbox delete throws is logged, and the flows finish', async () => {
    cluster = new Cluster()
    const errors: string[] = []
    const alice = await addFaulty(cluster, 'Alice', {
      flows: [asking],
      logger: { info() {}, warn() {}, error: (message: string) => errors.push(message) },
      store: { fail: (method) => method === 'deleteAcknowledged' },
    })
    await addFaulty(cluster, 'Bob', { responders: [answering] })
    expect(await alice.startFlow(asking, { n: 1 }).result).toBe(answerTo(1))
    expect(await alice.startFlow(asking, { n: 2 }).result).toBe(answerTo(2))
    await eventually(() => errors.some((m) => m.includes('injected deleteAcknowledged failure')))
    expect(watch.errors).toEqual([])
  })

  it('a confirm that cannot be sent is replaced by a reject saying why, and the responder flow fails', async () => {
    cluster = new Cluster()
    const ended: FlowEndEvent[] = []
    let first: string | undefined
    const alice = await addFaulty(cluster, 'Alice', { flows: [asking] })
    await addFaulty(cluster, 'Bob', {
      responders: [answering],
      onFlowEnd: (e) => ended.push(e),
      network: { send: (envelope) => envelope.body.t === 'confirm' && envelope.body.session === (first ??= envelope.body.session) },
    })
    const result = alice.startFlow(asking, { n: 1 }).result
    await expect(result).rejects.toBeInstanceOf(UnexpectedFlowEndError)
    await expect(result).rejects.toThrow(/could not send its confirm \(injected send failure/)
    await eventually(() => ended.length > 0)
    expect((ended[0]!.error as Error).message).toMatch(/injected send failure/)
    expect(await alice.startFlow(asking, { n: 2 }).result).toBe(answerTo(2))
    expect(watch.errors).toEqual([])
  })
})
