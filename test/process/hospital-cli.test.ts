/**
 * `colloquy hospital`: arguments checked per action before it connects, and, against a node with a kept
 * flow and its RPC endpoint, list, show, retry --all --dry-run, retry and kill as an operator runs them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { HospitalizeFlowError, flow } from '../../runtime/engine/index.js'
import { hospitalCommand } from '../../runtime/process/hospital-cli/hospital-command.js'
import { UsageError } from '../../runtime/protocol/errors/usage-error.js'
import { RpcFixture } from '../rpc/support/rpc-fixture.js'
import { rpcFlows } from '../rpc/support/rpc-flows.js'

const saved = { ...process.env }
let fixture: RpcFixture | undefined
beforeEach(() => {
  delete process.env.COLLOQUY_RPC_URL
  delete process.env.COLLOQUY_RPC_USER
  delete process.env.COLLOQUY_RPC_PASSWORD
})
afterEach(async () => {
  process.env = { ...saved }
  await fixture?.stop()
  fixture = undefined
})

async function usage(argv: string[]): Promise<string> {
  const error = await hospitalCommand(argv).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(UsageError)
  return (error as Error).message
}

/** Runs the command with stdout captured: its exit code and what it printed. */
async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const written: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((text) => (written.push(String(text)), true))
  try {
    const code = await hospitalCommand(argv)
    return { code, out: written.join('') }
  } finally {
    spy.mockRestore()
  }
}

describe('colloquy hospital arguments', () => {
  it('names what is wrong before connecting', async () => {
    expect(await usage([])).toBe('no action; actions are list, show, retry, kill, reject-init.')
    expect(await usage(['heal', 'x'])).toBe("unknown action 'heal'; actions are list, show, retry, kill, reject-init.")
    expect(await usage(['show'])).toBe('hospital show takes one id.')
    expect(await usage(['retry', '--all', 'f1'])).toBe('hospital retry --all takes no arguments.')
    expect(await usage(['kill', 'f1', '--flow', 'x'])).toBe('hospital kill does not take --flow.')
    expect(await usage(['retry', 'f1', '--dry-run'])).toBe('--dry-run goes with hospital retry --all.')
    expect(await usage(['list', '--state', 'sick'])).toBe("--state is one of observed, retrying, running, not 'sick'.")
    expect(await usage(['list'])).toBe('no node to connect to; pass --url ws://host:port or set COLLOQUY_RPC_URL (the rpc.listen address of node.json).')
  })
})

describe('colloquy hospital against a node', () => {
  it('lists and shows a kept flow, previews and runs a retry, kills another', async () => {
    let fixed = false
    const settle = flow('settle', async () => {
      if (!fixed) throw new HospitalizeFlowError('the ledger is not reachable')
      return 'settled'
    })
    fixture = await RpcFixture.start({ ops: ['InvokeRpc.hospital.*'] }, undefined, [...rpcFlows, settle])
    const first = fixture.node.startFlow(settle, undefined)
    const second = fixture.node.startFlow(settle, undefined)
    for (let i = 0; i < 200 && (await fixture.node.hospital.list()).length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    process.env.COLLOQUY_RPC_URL = fixture.url
    process.env.COLLOQUY_RPC_USER = 'ops'
    process.env.COLLOQUY_RPC_PASSWORD = 'ops-pw'

    const listed = await run(['list'])
    expect(listed.code).toBe(0)
    expect(listed.out).toMatch(/^FLOW ID\s+NAME\s+STATE\s+ADMISSIONS\s+STAFF\s+ERROR\s+DIAGNOSIS/)
    expect(listed.out).toContain(first.flowId)
    expect(listed.out).toContain('observed')
    expect(listed.out).toContain('HOSPITALIZE_FLOW')

    const shown = await run(['show', first.flowId, '--format', 'json'])
    expect(JSON.parse(shown.out)).toMatchObject({ flowId: first.flowId, state: 'observed', admissions: 1, history: [{ decision: 'observe' }] })
    const text = await run(['show', first.flowId])
    expect(text.out).toContain('HospitalizeFlowError (HOSPITALIZE_FLOW): the ledger is not reachable')
    expect((await run(['show', 'nothing-here'])).code).toBe(1)

    const killed = await run(['kill', second.flowId])
    expect(killed.out).toBe(`Flow ${second.flowId} was killed; its counterparties are told.\n`)
    await expect(second.result).rejects.toThrow('was killed')

    const preview = await run(['retry', '--all', '--flow', 'settle', '--dry-run'])
    expect(preview.out).toBe(`Would retry 1 flow(s): ${first.flowId}.\n`)
    fixed = true
    expect((await run(['retry', first.flowId])).out).toBe(`Flow ${first.flowId} is retried from its last checkpoint.\n`)
    expect(await first.result).toBe('settled')
    expect((await run(['retry', first.flowId])).code).toBe(1)
    expect((await run(['list'])).out).toBe('No flows in the hospital.\n')
  })
})
