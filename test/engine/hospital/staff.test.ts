/**
 * Staff as users configure them: a member added in the node's options treats its own errors, a flow's
 * options replace a node member by name for that flow, the most urgent decision wins, and the back-off
 * stays between half and all of its exponential ceiling.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { type Staff, flow, transientError } from '../../../runtime/engine/index.js'
import { backoffDelay } from '../../../runtime/engine/hospital/backoff.js'
import { consult } from '../../../runtime/engine/hospital/staff.js'
import { type TestCluster, createTestCluster } from '../../../runtime/testing/index.js'
import { busy } from './patients.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.stop()
  cluster = undefined
})

const rateLimited: Staff = {
  name: 'rate-limited',
  diagnose: ({ kind, causes }) => {
    if (kind !== 'flow' || !causes.some((e) => (e as { status?: number })?.status === 429)) return undefined
    return { decision: 'retry', diagnosis: 'the service is rate limiting', delayMs: 500 }
  },
}

describe('configured staff', () => {
  it('a member added in the node options treats its errors; others still propagate', async () => {
    let calls = 0
    const fetcher = flow('fetcher', async () => {
      calls++
      if (calls === 1) throw Object.assign(new Error('too many requests'), { status: 429 })
      return 'fetched'
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [fetcher], hospital: { staff: [rateLimited] } } } })
    const alice = cluster.node('Alice')
    const { result } = alice.startFlow(fetcher, undefined)
    await cluster.advanceTime(400)
    expect(calls).toBe(1) // waiting its 500 ms
    expect((await alice.hospital.list())[0]).toMatchObject({ state: 'retrying', last: { staff: 'rate-limited', diagnosis: 'the service is rate limiting' } })
    await cluster.advanceTime(200)
    expect(await result).toBe('fetched')
  })

  it("a flow's staff replace the node's member of the same name for that flow only", async () => {
    const attempts = new Map<string, number>()
    const body = (name: string) => async () => {
      attempts.set(name, (attempts.get(name) ?? 0) + 1)
      throw busy()
    }
    const patient = flow('patient', body('patient'), { staff: [transientError({ maxRetries: 0 })] })
    const persistent = flow('persistent', body('persistent'))
    cluster = await createTestCluster({
      nodes: { Alice: { flows: [patient, persistent], hospital: { staff: [transientError({ baseMs: 100, maxMs: 100 })] } } },
    })
    const alice = cluster.node('Alice')
    const a = alice.startFlow(patient, undefined).flowId
    const b = alice.startFlow(persistent, undefined).flowId
    await cluster.advanceTime(1000)
    expect(attempts.get('patient')).toBe(1)
    expect((await alice.hospital.show(a))?.state).toBe('observed')
    expect(attempts.get('persistent')).toBeGreaterThanOrEqual(10)
    expect((await alice.hospital.show(b))?.state).toBe('retrying')
  })
})

describe('decisions', () => {
  it('propagate beats retry beats observe; the first member wins a tie', () => {
    const says = (name: string, decision: 'retry' | 'observe' | 'propagate'): Staff => ({ name, diagnose: () => ({ decision, diagnosis: name }) })
    const patient = { kind: 'flow' as const, id: 'f', name: 'f', error: 1, causes: [1], retries: 0 }
    expect(consult([says('a', 'observe'), says('b', 'retry')], patient)?.staff).toBe('b')
    expect(consult([says('a', 'retry'), says('b', 'propagate'), says('c', 'observe')], patient)?.staff).toBe('b')
    expect(consult([says('a', 'observe'), says('b', 'observe')], patient)?.staff).toBe('a')
    expect(consult([{ name: 'none', diagnose: () => undefined }], patient)).toBeUndefined()
  })

  it('back-off waits between half and all of min(max, base * 2^retries)', () => {
    for (const [retries, ceiling] of [
      [0, 100],
      [3, 800],
      [20, 60_000],
    ] as const) {
      expect(backoffDelay(retries, { random: () => 0 })).toBe(ceiling / 2)
      expect(backoffDelay(retries, { random: () => 0.999_999 })).toBe(ceiling)
    }
  })
})
