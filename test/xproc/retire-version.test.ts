/**
 * Retiring a protocol version with a flow in flight, as an operator meets it with node processes: the
 * build without v1 refuses to start and says what to do; `colloquy flows` lists the stranded flow;
 * `colloquy flows kill` ends it and its counterparty sees the flow end; then the new build starts.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import type { NodeEvent } from '../../runtime/process/node-events.js'
import { ProcessCluster } from '../../scripts/lib/process-cluster.js'

const repository = path.resolve(import.meta.dirname, '..', '..')
const colloquy = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repository, 'bin', 'colloquy.js'), ...args], { cwd: repository, encoding: 'utf8', timeout: 60_000 })
const app = (build: string) => `test/xproc/apps/demo-${build}.ts`
const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-xproc-retire-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('a build without v1 refuses to start while a v1 flow is in flight; flows kill ends it', async () => {
  const cluster = await ProcessCluster.create(dir, [
    { name: 'Alice', app: app('old'), start: [{ flow: 'demo.send-amount', id: 'stranded', args: { peer: 'Bob', amount: 9, pauseBeforeReplyMs: 3000 } }] },
    { name: 'Bob', app: app('old') },
  ])
  try {
    await cluster.start('Bob')
    const greeted = cluster.waitFor((n, e) => n.name === 'Bob' && e.event === 'action' && e.label === 'greeting', 60_000, true)
    await cluster.start('Alice')
    await greeted
    await cluster.stop('Bob')
    cluster.setApp('Bob', app('next'))

    const refusal = await cluster.start('Bob').then(
      () => undefined,
      (error: Error) => error.message,
    )
    expect(refusal).toContain('Node Bob did not start: 1 flow(s) in flight use protocol versions its code no longer declares')
    expect(refusal).toContain('uses Demo v1')
    expect(refusal).toContain('colloquy flows kill')

    const config = cluster.node('Bob').config
    const listed = colloquy('flows', '--config', config)
    expect(listed.status).toBe(0)
    expect(listed.stdout).toContain('Bob has 1 unfinished flow:')
    expect(listed.stdout).toContain('Demo v1 with Alice')
    const flowId = /^ {2}(\S+) {2}Demo /m.exec(listed.stdout)![1]!

    const killed = colloquy('flows', 'kill', flowId, '--config', config)
    expect(killed.stdout).toContain(`killed ${flowId}`)
    expect(killed.status).toBe(0)
    expect(colloquy('flows', '--config', config).stdout).toContain('Bob has no unfinished flows.')

    const aliceEnd = cluster.waitFor((n, e) => n.name === 'Alice' && e.event === 'flow-end', 60_000, true) as Promise<Extract<NodeEvent, { event: 'flow-end' }>>
    await cluster.start('Bob') // the new build starts now; the kill's message reaches Alice if it has not yet
    const end = await aliceEnd
    expect(end.ok).toBe(false)
    expect(end.error).toContain('Bob')
  } finally {
    await cluster.killAll()
  }
}, 120_000)
