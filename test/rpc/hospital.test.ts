/**
 * The flow hospital over RPC: an operator lists kept flows, shows one's admissions, previews and runs a
 * bulk retry, kills a flow and follows the hospital's events, with the permissions InvokeRpc.hospital.<op>
 * or InvokeRpc.hospital.*.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { HospitalizeFlowError, type HospitalEvent, flow } from '../../runtime/engine/index.js'
import { RpcPermissionError } from '../../runtime/rpc/rpc-errors.js'
import { RpcFixture } from './support/rpc-fixture.js'
import { rpcFlows } from './support/rpc-flows.js'

let fixture: RpcFixture | undefined
afterEach(async () => {
  await fixture?.stop()
  fixture = undefined
})

const ledger = { reachable: false }
const settle = flow('settle', async (ctx) => {
  await ctx.step('reserve', () => 'r-1')
  if (!ledger.reachable) throw new HospitalizeFlowError('the ledger is not reachable')
  return 'settled'
})

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 10))
}

describe('the hospital over RPC', () => {
  it('lists, shows, previews and retries kept flows, and kills one; events follow', async () => {
    ledger.reachable = false
    fixture = await RpcFixture.start({ ops: ['InvokeRpc.hospital.*', 'StartFlow.settle'], viewer: ['InvokeRpc.hospital.list'] }, undefined, [
      ...rpcFlows,
      settle,
    ])
    const ops = await fixture.client('ops')
    const events: HospitalEvent[] = []
    ops.hospital.events().subscribe({ next: (event) => events.push(event), error: () => {} })
    await until(async () => true) // the events stream is open before the flows fail
    const first = await ops.startFlow('settle', undefined)
    const second = await ops.startFlow('settle', undefined)
    await until(async () => (await ops.hospital.list()).length === 2)
    const listed = await ops.hospital.list({ state: 'observed' })
    expect(listed.map((e) => e.flowId).sort()).toEqual([first.flowId, second.flowId].sort())
    expect(listed[0]?.last).toMatchObject({
      staff: 'hospitalize-request',
      decision: 'observe',
      error: { name: 'HospitalizeFlowError', code: 'HOSPITALIZE_FLOW' },
    })
    const report = await ops.hospital.show(first.flowId)
    expect(report).toMatchObject({ flowId: first.flowId, flowName: 'settle', state: 'observed', admissions: 1 })
    expect(report?.waitingFor).toContain('retry')
    expect(await ops.hospital.show('no-such-flow')).toBeUndefined()

    const viewer = await fixture.client('viewer')
    expect(await viewer.hospital.list()).toHaveLength(2)
    await expect(viewer.hospital.retry(first.flowId)).rejects.toBeInstanceOf(RpcPermissionError)

    expect(await ops.hospital.kill(second.flowId)).toBe(true)
    await expect(second.result).rejects.toThrow('was killed')
    const preview = await ops.hospital.retryAll({ flowName: 'settle' }, { dryRun: true })
    expect(preview.map((e) => e.flowId)).toEqual([first.flowId])
    ledger.reachable = true
    expect((await ops.hospital.retryAll({ flowName: 'settle' })).map((e) => e.flowId)).toEqual([first.flowId])
    expect(await first.result).toBe('settled')
    expect(await ops.hospital.list()).toEqual([])
    await until(async () => events.filter((e) => e.type === 'discharged').length === 2)
    expect(
      events
        .filter((e) => e.type === 'admitted')
        .map((e) => e.flowId)
        .sort(),
    ).toEqual([first.flowId, second.flowId].sort())
    expect(events.filter((e) => e.type === 'discharged').map((e) => [e.flowId, e.type === 'discharged' && e.ok])).toEqual(
      expect.arrayContaining([
        [second.flowId, false],
        [first.flowId, true],
      ]),
    )
  })
})
