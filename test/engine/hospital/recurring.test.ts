/**
 * Errors that recur at the same point are retried N times (3 by default, or the step's `retry: n`), then
 * propagate to the caller and the counterparty as before the hospital; an error no staff member knows is
 * not retried and leaves no records; a declared FlowException and an error marked terminal are never admitted.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { flow, terminal } from '../../../runtime/engine/index.js'
import { UnexpectedFlowEndError } from '../../../runtime/protocol/session/index.js'
import { type TestCluster, createTestCluster } from '../../../runtime/testing/index.js'
import { type BobSaw, ask, busy, doubler } from './patients.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.stop()
  cluster = undefined
})

function constraint(): Error {
  return Object.assign(new Error('UNIQUE constraint failed: orders.id'), { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' })
}

describe('errors that recur at the same point', () => {
  it('are retried exactly 3 times, then propagate to the caller and the counterparty', async () => {
    const saw: BobSaw = { questions: [], ended: undefined }
    let attempts = 0
    const order = flow('order', async (ctx) => {
      const { answer } = await ask(ctx, 5)
      attempts++
      throw constraint()
      // biome-ignore lint/correctness/noUnreachable: the flow's result type
      return answer
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [order] }, Bob: { responders: [doubler(saw)] } } })
    const alice = cluster.node('Alice')
    const { flowId, result } = alice.startFlow(order, undefined)
    const outcome = result.catch((error: unknown) => error)
    await cluster.advanceTime(10_000)
    expect(attempts).toBe(4)
    expect(await outcome).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY', message: 'UNIQUE constraint failed: orders.id' })
    expect(saw.questions).toEqual([5])
    expect(saw.ended).toBeInstanceOf(UnexpectedFlowEndError)
    expect(await alice.hospital.show(flowId)).toBeUndefined()
    expect(await alice.tableCounts()).toMatchObject({ flows: 0, journal: 0 })
  })

  it("a step's retry: n sets N for its errors", async () => {
    let calls = 0
    const twice = flow('twice', async (ctx) =>
      ctx.step(
        'call',
        () => {
          calls++
          throw new Error('still down')
        },
        { retry: 1 },
      ),
    )
    cluster = await createTestCluster({ nodes: { Alice: { flows: [twice] } } })
    const { result } = cluster.node('Alice').startFlow(twice, undefined)
    const outcome = result.catch((error: unknown) => error)
    await cluster.advanceTime(5000)
    expect(calls).toBe(2)
    // The last failure propagated, journaled as the step's failure like any step error.
    expect(String(await outcome)).toContain('still down')
  })
})

describe('errors the hospital does not treat', () => {
  it('a user error that is not transient is not retried and leaves no rows', async () => {
    let attempts = 0
    const bad = flow('bad', async () => {
      attempts++
      throw new TypeError('amount must be positive')
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [bad] } } })
    const alice = cluster.node('Alice')
    const events: unknown[] = []
    alice.hospital.events.subscribe((event) => events.push(event))
    const { result } = alice.startFlow(bad, undefined)
    await expect(result).rejects.toThrow('amount must be positive')
    await cluster.advanceTime(5000)
    expect(attempts).toBe(1)
    expect(events).toEqual([])
    expect(await alice.hospital.list()).toEqual([])
    expect(await alice.tableCounts()).toMatchObject({ flows: 0, journal: 0 })
  })

  it('a transient error marked terminal propagates at once', async () => {
    let attempts = 0
    const fatal = flow('fatal', async () => {
      attempts++
      throw terminal(busy())
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [fatal] } } })
    const alice = cluster.node('Alice')
    await expect(alice.startFlow(fatal, undefined).result).rejects.toThrow('database is locked')
    await cluster.advanceTime(5000)
    expect(attempts).toBe(1)
    expect(await alice.hospital.list()).toEqual([])
  })
})
