/**
 * The transient-error staff member: a transient fault is retried from the last checkpoint (the side effect
 * before it runs once, the code after it again), with exponential back-off and jitter on the node's clock
 * (measured here on simulated time), without limit unless capped; step timeouts and receive timeouts are
 * transient faults, and a step declared `retry: true` is retried without its failure being journaled.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { type HospitalEvent, ReceiveTimeoutError, StepTimeoutError, flow, receiveWithin, transientError } from '../../../runtime/engine/index.js'
import { type TestCluster, createTestCluster } from '../../../runtime/testing/index.js'
import { type BobSaw, ask, busy, doubler } from './patients.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.stop()
  cluster = undefined
})

describe('transient faults', () => {
  it('are retried from the last checkpoint: the side effect before it runs once, the code after it twice', async () => {
    let charged = 0
    let after = 0
    let failures = 1
    const pay = flow('pay', async (ctx) => {
      const receipt = await ctx.step('charge', () => ++charged)
      after++
      if (failures-- > 0) throw busy()
      return `receipt ${receipt}`
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [pay] } } })
    const alice = cluster.node('Alice')
    const events: HospitalEvent[] = []
    alice.hospital.events.subscribe((event) => events.push(event))
    const { flowId, result } = alice.startFlow(pay, undefined)
    await cluster.advanceTime(1000)
    expect(await result).toBe('receipt 1')
    expect({ charged, after }).toEqual({ charged: 1, after: 2 })
    expect(events.map((e) => e.type)).toEqual(['admitted', 'retrying', 'discharged'])
    const admitted = events[0] as Extract<HospitalEvent, { type: 'admitted' }>
    expect(admitted.flowId).toBe(flowId)
    expect(admitted.admission).toMatchObject({ staff: 'transient-error', decision: 'retry', retries: 0, error: { name: 'Error', code: 'SQLITE_BUSY' } })
    // The records went with the flow.
    expect(await alice.hospital.list()).toEqual([])
    expect(await alice.hospital.show(flowId)).toBeUndefined()
  })

  it('back off exponentially with jitter on the node clock, without limit by default', async () => {
    const attempts: number[] = []
    const always = flow('always-busy', async (ctx) => {
      await ctx.step('start', () => 0)
      attempts.push(cluster!.clock.now())
      throw busy()
    })
    // Jitter at its lowest: each wait is half of min(maxMs, baseMs * 2^retries).
    const staff = [transientError({ baseMs: 1000, maxMs: 4000, random: () => 0 })]
    cluster = await createTestCluster({ nodes: { Alice: { flows: [always], hospital: { staff } } } })
    const alice = cluster.node('Alice')
    const { flowId, result } = alice.startFlow(always, undefined)
    const outcome = result.catch((error: unknown) => error)
    await cluster.advanceTime(20_000)
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!)
    expect(gaps.slice(0, 5)).toEqual([500, 1000, 2000, 2000, 2000])
    expect(attempts.length).toBeGreaterThanOrEqual(10)
    const [entry] = await alice.hospital.list()
    expect(entry).toMatchObject({ flowId, flowName: 'always-busy', state: 'retrying', last: { staff: 'transient-error', decision: 'retry' } })
    expect((await alice.flowStatus(flowId))?.hospital).toBe('retrying')
    expect(await alice.hospital.kill(flowId)).toBe(true)
    expect(String(await outcome)).toContain('was killed')
    expect(await alice.hospital.list()).toEqual([])
  })

  it('with a cap, are kept for observation once the retries are spent', async () => {
    let attempts = 0
    const always = flow('capped', async () => {
      attempts++
      throw busy()
    })
    const staff = [transientError({ baseMs: 10, maxRetries: 2 })]
    cluster = await createTestCluster({ nodes: { Alice: { flows: [always], hospital: { staff } } } })
    const alice = cluster.node('Alice')
    const { flowId } = alice.startFlow(always, undefined)
    await cluster.advanceTime(5000)
    expect(attempts).toBe(3)
    const report = await alice.hospital.show(flowId)
    expect(report).toMatchObject({ state: 'observed', admissions: 3 })
    expect(report?.history.map((a) => a.decision)).toEqual(['retry', 'retry', 'observe'])
    expect(report?.waitingFor).toContain("an operator's retry")
    expect((await alice.listFlows({ state: 'hospitalized' })).map((f) => f.flowId)).toEqual([flowId])
  })

  it('a step that times out is retried; the step body that finishes in time is journaled once', async () => {
    let calls = 0
    const slow = flow('slow-step', async (ctx) => {
      const value = await ctx.step(
        'lookup',
        () => {
          calls++
          return calls === 1 ? new Promise<number>(() => {}) : 42
        },
        { timeoutMs: 2000 },
      )
      return value
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [slow] } } })
    const alice = cluster.node('Alice')
    const events: HospitalEvent[] = []
    alice.hospital.events.subscribe((event) => events.push(event))
    const { result } = alice.startFlow(slow, undefined)
    await cluster.advanceTime(5000)
    expect(await result).toBe(42)
    expect(calls).toBe(2)
    const admitted = events.find((e) => e.type === 'admitted') as Extract<HospitalEvent, { type: 'admitted' }>
    expect(admitted.admission.error).toMatchObject({ name: StepTimeoutError.name, code: 'STEP_TIMEOUT' })
  })

  it('a step declared retry: true is retried until it succeeds, and its failures are not journaled', async () => {
    let calls = 0
    let caught = 0
    const flaky = flow('flaky-step', async (ctx) => {
      try {
        return await ctx.step(
          'call',
          () => {
            if (++calls < 3) throw new Error(`attempt ${calls} failed`)
            return 'ok'
          },
          { retry: true },
        )
      } catch (error) {
        // Even caught, a retried failure ends the run: the retry comes back to this step live.
        caught++
        await ctx.step('after-catch', () => 'never journaled')
        throw error
      }
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [flaky] } } })
    const alice = cluster.node('Alice')
    const { result } = alice.startFlow(flaky, undefined)
    await cluster.advanceTime(5000)
    expect(await result).toBe('ok')
    expect(calls).toBe(3)
    expect(caught).toBe(2)
  })

  it('a retried step failure is retried even when the flow catches it and returns', async () => {
    let calls = 0
    const swallow = flow('swallow', async (ctx) => {
      try {
        return await ctx.step(
          'call',
          () => {
            if (++calls === 1) throw new Error('first call failed')
            return 'ok'
          },
          { retry: true },
        )
      } catch {
        return 'gave up'
      }
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [swallow] } } })
    const { result } = cluster.node('Alice').startFlow(swallow, undefined)
    await cluster.advanceTime(1000)
    expect(await result).toBe('ok')
    expect(calls).toBe(2)
  })

  it('a receive that times out is retried without limit until the peer answers', async () => {
    const saw: BobSaw = { questions: [], ended: undefined }
    const asker = flow('asker', async (ctx) => {
      const { channel, answer } = await ask(receiveWithin(ctx, 3000), 21)
      await channel.close?.()
      return answer
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [asker] }, Bob: { responders: [doubler(saw, 10_000)] } } })
    const alice = cluster.node('Alice')
    const events: HospitalEvent[] = []
    alice.hospital.events.subscribe((event) => events.push(event))
    const { result } = alice.startFlow(asker, undefined)
    await cluster.advanceTime(15_000)
    expect(await result).toBe(42)
    expect(saw.questions).toEqual([21])
    const admissions = events.filter((e): e is Extract<HospitalEvent, { type: 'admitted' }> => e.type === 'admitted')
    expect(admissions.length).toBeGreaterThanOrEqual(2)
    for (const a of admissions) expect(a.admission.error).toMatchObject({ name: ReceiveTimeoutError.name, code: 'RECEIVE_TIMEOUT' })
  })
})
