/**
 * The RPC endpoint of a real `colloquy node` process: a user written by `colloquy rpc-user add` (password on
 * standard input), the client-id contract across a SIGKILL and restart of the node (the client reconnects,
 * a second client reattaches by client id), a declared error coming back as that error after the restart,
 * and `colloquy flow` driving the same node.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FlowException } from '../../runtime/protocol/session/session-errors.js'
import { connect } from '../../runtime/rpc/client/connect.js'
import type { RpcClient } from '../../runtime/rpc/client/rpc-client-api.js'
import { freePort, ProcessCluster } from '../../scripts/lib/process-cluster.js'

const repository = path.resolve(import.meta.dirname, '..', '..')
const dirs: string[] = []
const clients: RpcClient[] = []
afterAll(() => {
  for (const client of clients) client.close()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function colloquy(args: readonly string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const run = spawnSync(process.execPath, [path.join(repository, 'bin', 'colloquy.js'), ...args], {
    cwd: repository,
    encoding: 'utf8',
    timeout: 60_000,
    input: options.input ?? '',
    env: { ...process.env, ...options.env },
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

async function opsNode(): Promise<{ cluster: ProcessCluster; url: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-xproc-rpc-'))
  dirs.push(dir)
  const port = await freePort()
  const cluster = await ProcessCluster.create(dir, [{ name: 'Ops', app: 'test/xproc/apps/rpc-app.ts' }])
  const config = cluster.node('Ops').config
  const add = colloquy(['rpc-user', 'add', '--config', config, '--user', 'ops', '--permission', 'ALL', '--listen', `127.0.0.1:${port}`], {
    input: 'ops-secret\n',
  })
  expect(add.stderr).toBe('')
  expect(add.stdout).toBe(`Added RPC user ops with ALL in ${config}.\n`)
  expect(add.code).toBe(0)
  const written = readFileSync(config, 'utf8')
  expect(written).not.toContain('ops-secret')
  expect(written).toMatch(/"passwordHash": "scrypt\$16384\$8\$1\$/)
  return { cluster, url: `ws://127.0.0.1:${port}` }
}

async function client(url: string): Promise<RpcClient> {
  const connected = await connect({ url, user: 'ops', password: 'ops-secret', reconnectTimeoutMs: 30_000 })
  clients.push(connected)
  return connected
}

describe('the RPC endpoint of a node process', () => {
  it('keeps the client-id contract across a kill -9 and restart: reconnect, reattach, declared errors', async () => {
    const { cluster, url } = await opsNode()
    try {
      const ready = await cluster.start('Ops')
      expect(ready.events.find((e) => e.event === 'ready')).toMatchObject({ rpc: url })
      const first = await client(url)
      const waiting = await first.startFlow('wait-for-go', { tag: 'x' }, { clientId: 'order-7' })
      const refused = await first.startFlow('refuse', { max: 5 }, { clientId: 'too-dear' })
      await expect(refused.result).rejects.toBeInstanceOf(FlowException)

      await cluster.kill('Ops')
      await cluster.start('Ops')

      // A client started after the restart finds the flow by its client id.
      const second = await client(url)
      const reattached = await second.reattachFlow('order-7')
      expect(reattached?.flowId).toBe(waiting.flowId)
      const again = await second.startFlow('wait-for-go', { tag: 'ignored' }, { clientId: 'order-7' })
      expect(again.flowId).toBe(waiting.flowId)
      await second.signal(waiting.flowId, 'go', { note: 'done' })
      expect(await reattached!.result).toBe('x:done')
      // The first client reconnected and its handle settled without a second start.
      expect(await waiting.result).toBe('x:done')
      expect((await second.listFlows({ flowName: 'wait-for-go' })).map((f) => f.flowId)).toEqual([waiting.flowId])

      const error = await (await second.reattachFlow('too-dear'))!.result.catch((e: unknown) => e)
      expect(error).toBeInstanceOf(FlowException)
      expect(error).toMatchObject({ protocol: 'Trade', errorType: 'PriceTooHigh', details: { max: 5 }, message: 'The price is above 5.' })
      expect(await second.finishedFlowsWithClientIds()).toEqual({ 'order-7': true, 'too-dear': false })
    } finally {
      await cluster.stopAll()
    }
  })

  it('colloquy flow drives the node: start, status, messages, list, reattach, remove, with text and JSON output', async () => {
    const { cluster, url } = await opsNode()
    try {
      await cluster.start('Ops')
      const env = { COLLOQUY_RPC_URL: url, COLLOQUY_RPC_USER: 'ops', COLLOQUY_RPC_PASSWORD: 'ops-secret' }
      const started = colloquy(['flow', 'start', 'echo', '--args', '{"text":"hello"}', '--client-id', 'cli-1', '--format', 'json'], { env })
      expect(started.stderr).toBe('')
      expect(started.code).toBe(0)
      const { flowId } = JSON.parse(started.stdout) as { flowId: string }
      const reattach = colloquy(['flow', 'reattach', 'cli-1'], { env })
      expect(reattach.stdout).toBe(`Flow ${flowId} finished: "hello"\n`)
      expect(reattach.code).toBe(0)
      const status = colloquy(['flow', 'status', flowId, '--format', 'json'], { env })
      expect(JSON.parse(status.stdout)).toMatchObject({ id: flowId, name: 'echo', status: 'done', clientId: 'cli-1' })
      const messages = colloquy(['flow', 'messages', flowId], { env })
      expect(messages.stdout).toBe(`Flow ${flowId} finished: the node keeps no message history for finished flows.\n`)
      expect(messages.code).toBe(0)
      const unknown = colloquy(['flow', 'messages', 'no-such-flow', '--format', 'json'], { env })
      expect(JSON.parse(unknown.stdout)).toMatchObject({ ok: false, error: { code: 'FLOW_NOT_FOUND', name: 'FlowNotFoundError' } })
      expect(unknown.code).toBe(1)
      const list = colloquy(['flow', 'list', '--client-id', 'cli-1'], { env })
      expect(list.stdout).toContain(flowId)
      const refused = colloquy(['flow', 'start', 'refuse', '--args', '{"max":1}', '--watch'], { env })
      expect(refused.stderr).toContain('failed: The price is above 1.')
      expect(refused.code).toBe(1)
      const removed = colloquy(['flow', 'remove', 'cli-1', '--format', 'json'], { env })
      expect(JSON.parse(removed.stdout)).toEqual({ clientId: 'cli-1', removed: true })
      const wrong = colloquy(['flow', 'list', '--format', 'json'], { env: { ...env, COLLOQUY_RPC_PASSWORD: 'nope' } })
      expect(wrong.stderr).toContain("colloquy flow: The node refused the login of 'ops': unknown user or wrong password.")
      expect(JSON.parse(wrong.stdout)).toMatchObject({ ok: false, error: { code: 'RPC_AUTHENTICATION', name: 'RpcAuthenticationError' } })
      expect(wrong.code).toBe(2)
      const usage = colloquy(['flow', 'start'], { env })
      expect(usage.stderr).toBe('colloquy flow: flow start takes <name>.\nRun `colloquy flow --help` for the usage.\n')
      expect(usage.code).toBe(2)
    } finally {
      await cluster.stopAll()
    }
  })
})
