/**
 * Flows kept for observation: HospitalizeFlowError thrown directly, wrapped as a cause or subclassed, and
 * errors out of code marked "observe on error", each kept with one record and status hospitalized; a
 * subclass whose cause is transient is retried instead. A kept flow is retried on restart (and by an
 * operator) and completes once its cause is fixed; killing it empties the hospital and tells its peers.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { HospitalizeFlowError, flow } from '../../../runtime/engine/index.js'
import { UnexpectedFlowEndError } from '../../../runtime/protocol/session/index.js'
import { type TestCluster, createTestCluster } from '../../../runtime/testing/index.js'
import { type BobSaw, ask, busy, doubler } from './patients.js'

let cluster: TestCluster | undefined
afterEach(async () => {
  await cluster?.stop()
  cluster = undefined
})

class MissingAttachmentError extends HospitalizeFlowError {
  override name = 'MissingAttachmentError'
}

const forms: [string, () => unknown][] = [
  ['thrown directly', () => new HospitalizeFlowError('attachment 7 is missing; upload it and retry')],
  ['wrapped as the cause', () => new Error('could not verify', { cause: new HospitalizeFlowError('attachment 7 is missing') })],
  ['subclassed', () => new MissingAttachmentError('attachment 7 is missing')],
]

describe('HospitalizeFlowError', () => {
  it.each(forms)('%s keeps the flow for observation with one record', async (_form, make) => {
    let attempts = 0
    const verify = flow('verify', async (ctx) => {
      await ctx.step('load', () => 1)
      attempts++
      throw make()
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [verify] } } })
    const alice = cluster.node('Alice')
    const { flowId } = alice.startFlow(verify, undefined)
    await cluster.advanceTime(10_000)
    expect(attempts).toBe(1)
    const report = await alice.hospital.show(flowId)
    expect(report).toMatchObject({ flowId, flowName: 'verify', state: 'observed', admissions: 1 })
    expect(report?.history[0]).toMatchObject({ staff: 'hospitalize-request', decision: 'observe', retries: 0 })
    expect(report?.history[0]?.error.stack).toContain('observation.test.ts')
    expect((await alice.flowStatus(flowId))?.hospital).toBe('observed')
    expect((await alice.listFlows()).find((f) => f.flowId === flowId)?.state).toBe('hospitalized')
  })

  it('a subclass whose cause is transient is retried, not kept', async () => {
    let attempts = 0
    const verify = flow('verify-transient', async () => {
      attempts++
      if (attempts === 1) throw new MissingAttachmentError('store busy', { cause: busy() })
      return 'verified'
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [verify] } } })
    const alice = cluster.node('Alice')
    const { result } = alice.startFlow(verify, undefined)
    await cluster.advanceTime(1000)
    expect(await result).toBe('verified')
    expect(attempts).toBe(2)
  })

  it('an error out of ctx.observeOnError or a step with observeOnError keeps the flow', async () => {
    const regions = flow('regions', async (ctx, which: string) => {
      if (which === 'region')
        await ctx.observeOnError(async () => {
          throw new Error('could not record the transaction')
        })
      await ctx.step(
        'record',
        () => {
          throw new Error('ledger refused')
        },
        { observeOnError: true },
      )
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [regions] } } })
    const alice = cluster.node('Alice')
    const a = alice.startFlow(regions, 'region').flowId
    const b = alice.startFlow(regions, 'step').flowId
    await cluster.advanceTime(1000)
    const entries = await alice.hospital.list({ state: 'observed' })
    expect(entries.map((e) => [e.flowId, e.last.error.message, e.admissions]).sort()).toEqual(
      [
        [a, 'could not record the transaction', 1],
        [b, 'ledger refused', 1],
      ].sort(),
    )
  })
})

describe('a kept flow', () => {
  it('is retried when the node restarts and completes once the cause is fixed', async () => {
    let fixed = false
    let charged = 0
    const settle = flow('settle', async (ctx) => {
      await ctx.step('charge', () => ++charged)
      if (!fixed) throw new HospitalizeFlowError('the ledger is not reachable')
      return 'settled'
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [settle] } } })
    const { flowId } = cluster.node('Alice').startFlow(settle, undefined)
    await cluster.advanceTime(1000)
    expect((await cluster.node('Alice').hospital.show(flowId))?.state).toBe('observed')
    cluster.crash('Alice')
    fixed = true
    const alice = await cluster.restart('Alice')
    const result = alice.resultOf(flowId)
    await cluster.advanceTime(1000)
    expect(await result).toBe('settled')
    expect(charged).toBe(1)
    expect(await alice.hospital.list()).toEqual([])
  })

  it('is retried when an operator asks, after a preview of what would be retried', async () => {
    let fixed = false
    const settle = flow('settle-now', async () => {
      if (!fixed) throw new HospitalizeFlowError('the ledger is not reachable')
      return 'settled'
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [settle] } } })
    const alice = cluster.node('Alice')
    const first = alice.startFlow(settle, undefined)
    const second = alice.startFlow(settle, undefined)
    await cluster.advanceTime(1000)
    const preview = await alice.hospital.retryAll({ flowName: 'settle-now' }, { dryRun: true })
    expect(preview.map((e) => e.flowId).sort()).toEqual([first.flowId, second.flowId].sort())
    expect(await alice.hospital.list({ state: 'observed' })).toHaveLength(2) // a preview retries nothing
    fixed = true
    expect(await alice.hospital.retry(first.flowId)).toBe(true)
    expect(await first.result).toBe('settled')
    expect((await alice.hospital.retryAll({ flowName: 'settle-now' })).map((e) => e.flowId)).toEqual([second.flowId])
    expect(await second.result).toBe('settled')
    expect(await alice.hospital.retry(first.flowId)).toBe(false)
  })

  it('killed, leaves an empty hospital and its counterparty is told', async () => {
    const saw: BobSaw = { questions: [], ended: undefined }
    const asker = flow('asker-kept', async (ctx) => {
      await ask(ctx, 4)
      throw new HospitalizeFlowError('cannot go on')
    })
    cluster = await createTestCluster({ nodes: { Alice: { flows: [asker] }, Bob: { responders: [doubler(saw)] } } })
    const alice = cluster.node('Alice')
    const { flowId, result } = alice.startFlow(asker, undefined)
    const outcome = result.catch((error: unknown) => error)
    await cluster.advanceTime(1000)
    expect(await alice.hospital.list()).toHaveLength(1)
    expect(await alice.hospital.kill(flowId)).toBe(true)
    await cluster.advanceTime(1000)
    expect(String(await outcome)).toContain('was killed')
    expect(await alice.hospital.list()).toEqual([])
    expect(await alice.tableCounts()).toMatchObject({ flows: 0, journal: 0, sessions: 0 })
    expect(saw.ended).toBeInstanceOf(UnexpectedFlowEndError)
  })
})

describe('a session init for a protocol without a responder', () => {
  it('is held, the initiator waits, and a node started with the responder resumes it', async () => {
    const saw: BobSaw = { questions: [], ended: undefined }
    const asker = flow('asker-held', async (ctx) => (await ask(ctx, 8)).answer)
    cluster = await createTestCluster({ nodes: { Alice: { flows: [asker] }, Bob: {} } })
    const alice = cluster.node('Alice')
    const { flowId, result } = alice.startFlow(asker, undefined)
    await cluster.advanceTime(5000)
    const [held] = await cluster.node('Bob').hospital.heldInits()
    expect(held).toMatchObject({ sender: 'Alice', protocol: 'Ask' })
    expect((await alice.flowStatus(flowId))?.waitingFor).toMatchObject({ kind: 'handshake' })
    cluster.crash('Bob')
    const bob = await cluster.restart('Bob', { responders: [doubler(saw)] })
    await cluster.advanceTime(5000)
    expect(await result).toBe(16)
    expect(await bob.hospital.heldInits()).toEqual([])
  })
})
