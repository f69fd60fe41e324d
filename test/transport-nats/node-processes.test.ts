/**
 * `colloquy node` processes whose node.json says `network: { transport: "nats", ... }`: the generated Echo
 * protocol runs between two processes through the broker, the echoing node is killed with SIGKILL
 * mid-flow and restarted, and the flow finishes once. A broker that does not answer stops the node with
 * exit code 1 and a message naming the url; a bad network section is refused with exit code 2.
 */
import { randomBytes } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ProcessCluster } from '../../scripts/lib/process-cluster.js'
import { deleteStream, natsUrl } from './support/nats-cluster.js'

const repository = path.resolve(import.meta.dirname, '..', '..')
const dirs: string[] = []
const streams: string[] = []
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  for (const stream of streams) await deleteStream(natsUrl, stream)
})

function natsSection(url = natsUrl) {
  const stream = `TEST_${randomBytes(6).toString('hex')}`
  streams.push(stream)
  return { transport: 'nats', url, stream, subjectPrefix: `test.${randomBytes(6).toString('hex')}`, ackWaitMs: 2_000 }
}

async function twoNodes(network: Record<string, unknown>, rounds: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-nats-node-'))
  dirs.push(dir)
  const settings = { network, redeliverAfterMs: 200 }
  return ProcessCluster.create(dir, [
    { name: 'Caller', app: 'examples/echo-node.ts', start: [{ flow: 'ping-pong', id: 'once', args: { peer: 'Echoer', rounds } }], settings },
    { name: 'Echoer', app: 'examples/echo-node.ts', settings },
  ])
}

function colloquy(...args: string[]) {
  const run = spawnSync(process.execPath, [path.join(repository, 'bin', 'colloquy.js'), ...args], { cwd: repository, encoding: 'utf8', timeout: 60_000 })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

function rewrite(config: string, change: (body: Record<string, unknown>) => void): void {
  const body = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown>
  change(body)
  writeFileSync(config, JSON.stringify(body))
}

describe('colloquy node over NATS JetStream', () => {
  it('runs the generated Echo protocol between processes; a responder killed mid-flow resumes and the flow ends once', async () => {
    const network = natsSection()
    const cluster = await twoNodes(network, 40)
    try {
      await cluster.start('Echoer')
      await cluster.start('Caller')
      expect(cluster.node('Caller').events.find((e) => e.event === 'ready')).toMatchObject({ address: `${network.url} stream ${network.stream}` })
      let actions = 0
      await cluster.waitFor((n, e) => n.name === 'Echoer' && e.event === 'action' && ++actions === 10)
      await cluster.kill('Echoer')
      await cluster.start('Echoer')
      const end = await cluster.waitFor((n, e) => n.name === 'Caller' && e.event === 'flow-end', 60_000, true)
      expect(end).toMatchObject({ ok: true, flowId: 'once' })
      await cluster.quiesce(20_000)
      await cluster.stopAll()
      expect(cluster.node('Caller').events.filter((e) => e.event === 'flow-end')).toHaveLength(1)
      expect(cluster.node('Echoer').events.filter((e) => e.event === 'flow-end' && e.ok)).toHaveLength(1)
    } finally {
      await cluster.killAll()
    }
  })

  it('exits 1 naming the url when the broker does not answer, and 2 for a bad network section', async () => {
    const cluster = await twoNodes({ ...natsSection('nats://127.0.0.1:1'), connectTimeoutMs: 500 }, 1)
    const config = cluster.node('Echoer').config
    const down = colloquy('node', '--config', config)
    expect(down.code).toBe(1)
    expect(down.stderr).toContain('cannot connect to the NATS broker at nats://127.0.0.1:1')
    rewrite(config, (body) => {
      body.network = { transport: 'nats', stream: 'S' }
    })
    const missing = colloquy('node', '--config', config)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/network\.url: /)
    rewrite(config, (body) => {
      body.network = { transport: 'pigeon' }
    })
    expect(colloquy('node', '--config', config).code).toBe(2)
  })
})
