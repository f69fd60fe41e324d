/**
 * Containment on a flow's way out: a fault while a flow ends (its error frame or its outcome cannot be
 * encoded) fails that flow with a clear error and tells its peer; a subscriber that throws is logged.
 * Neither strands the flow, nor takes the node down, nor containmentTests as an unhandled rejection.
 */
import { describe, expect, it } from 'vitest'
import { type FlowEndEvent, flow } from '../../runtime/engine/index.js'
import { FlowException, UnexpectedFlowEndError } from '../../runtime/protocol/session/index.js'
import { Cluster, eventually } from './support/cluster.js'
import { answerTo, answering, asking, before } from './support/containment-flows.js'
import { addFaulty, containmentTests } from './support/faults.js'

let cluster: Cluster
const watch = containmentTests(() => cluster)

const collecting = () => {
  const errors: string[] = []
  return { errors, logger: { info() {}, warn() {}, error: (message: string) => errors.push(message) } }
}

describe('containment when a flow ends', () => {
  it('a declared error whose details cannot be encoded ends the responder, and its initiator sees the flow end', async () => {
    cluster = new Cluster()
    const ended: FlowEndEvent[] = []
    const log = collecting()
    const alice = await addFaulty(cluster, 'Alice', { flows: [asking] })
    await addFaulty(cluster, 'Bob', { responders: [answering], onFlowEnd: (e) => ended.push(e), logger: log.logger })
    before.set(13, async () => {
      const details = {
        get why(): string {
          throw new Error('the reason is unreadable')
        },
      }
      throw new FlowException('Rounds', 'Refused', details, 'Bob refuses 13')
    })
    const failing = alice.startFlow(asking, { n: 13 })
    await expect(failing.result).rejects.toBeInstanceOf(UnexpectedFlowEndError)
    await eventually(() => ended.some((e) => !e.ok))
    const end = ended.find((e) => !e.ok)!
    expect(String((end.error as Error).message)).toContain('the reason is unreadable')
    expect(await alice.resultOf(alice.startFlow(asking, { n: 1 }).flowId)).toBe(answerTo(1))
    expect(log.errors.filter((m) => m.includes('the reason is unreadable'))).toHaveLength(1)
    expect(await cluster.node('Bob').unfinishedFlows()).toEqual([])
    expect(watch.errors).toEqual([])
  })

  it('a flow result that cannot be stored fails the flow with an error naming it, and the node runs on', async () => {
    cluster = new Cluster()
    const alice = await addFaulty(cluster, 'Alice', { keepFinishedFlows: true })
    const unstorable = flow('unstorable', async (ctx) => {
      await ctx.step('work', () => 1)
      return {
        get total(): number {
          throw new Error('the total is unreadable')
        },
      }
    })
    const handle = alice.startFlow(unstorable, undefined)
    await expect(handle.result).rejects.toThrow(/the total is unreadable/)
    await eventually(async () => (await alice.flowStatus(handle.flowId))?.status === 'failed')
    const healthy = flow('healthy', async (ctx) => ctx.step('work', () => 'fine'))
    await expect(alice.startFlow(healthy, undefined).result).resolves.toBe('fine')
    expect(watch.errors).toEqual([])
  })

  it('subscribers that throw are logged, and the flows they observe finish', async () => {
    cluster = new Cluster()
    const log = collecting()
    const alice = await addFaulty(cluster, 'Alice', {
      flows: [asking],
      logger: log.logger,
      onFlowEnd: () => {
        throw new Error('onFlowEnd listener broke')
      },
    })
    await addFaulty(cluster, 'Bob', { responders: [answering] })
    alice.events.subscribe(() => {
      throw new Error('events subscriber broke')
    })
    expect(await alice.startFlow(asking, { n: 1 }).result).toBe(answerTo(1))
    expect(await alice.startFlow(asking, { n: 2 }).result).toBe(answerTo(2))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(log.errors.some((m) => m.includes('onFlowEnd listener broke'))).toBe(true)
    expect(log.errors.some((m) => m.includes('events subscriber broke'))).toBe(true)
    expect(watch.errors).toEqual([])
  })
})
