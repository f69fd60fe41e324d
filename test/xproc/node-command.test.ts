/**
 * `colloquy node` and `colloquy identity` as an operator meets them: clear errors for bad setup, a start
 * list that runs each flow id once across restarts, clean SIGTERM, drain mode.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ProcessCluster } from '../../scripts/lib/process-cluster.js'

const repository = path.resolve(import.meta.dirname, '..', '..')
const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-node-cli-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function colloquy(...args: string[]) {
  const run = spawnSync(process.execPath, [path.join(repository, 'bin', 'colloquy.js'), ...args], { cwd: repository, encoding: 'utf8', timeout: 60_000 })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

async function twoNodes(dir: string) {
  return ProcessCluster.create(dir, [
    { name: 'Caller', app: 'examples/echo-node.ts', start: [{ flow: 'ping-pong', id: 'once', args: { peer: 'Echoer', rounds: 3 } }] },
    { name: 'Echoer', app: 'examples/echo-node.ts' },
  ])
}

describe('colloquy node: command line', () => {
  it('names what it cannot use, with exit code 2 and the usage', () => {
    const unknown = colloquy('identity', '--config', 'node.json', '--drain')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/^colloquy identity: unknown argument '--drain'\.\nUsage:\n {2}colloquy node --config/)
    const missing = colloquy('node', '--json')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^colloquy node: --config <node\.json> is required\.\n/)
    expect(colloquy('flows', 'kill', 'a', '--bogus').stderr).toContain("colloquy flows: unknown argument '--bogus'.")
  })

  it('prints its help with exit code 0', () => {
    const help = colloquy('node', '--help')
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('node.json fields (paths relative to the file):')
    expect(help.stdout).toContain('Exit codes: 0 stopped cleanly, 1 the node refused to start or failed, 2 bad config')
  })

  it('exits 2 for a node.json it cannot read, naming the file', () => {
    const run = colloquy('flows', '--config', path.join(tempDir(), 'missing.json'))
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/missing\.json: cannot read the node config \(ENOENT\); pass the path of a node\.json with --config\./)
  })
})

describe('colloquy node: setup errors', () => {
  it('names the line of a syntax error in node.json', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'node.json'), '{\n  "name": "A",\n  "database": "a.db",\n}\n')
    const run = colloquy('node', '--config', path.join(dir, 'node.json'))
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/node\.json:4:1: the node config is not valid JSON/)
  })

  it('lists what is missing from node.json', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'node.json'), JSON.stringify({ name: 'A', database: 'a.db', listen: 'nowhere' }))
    const run = colloquy('node', '--config', path.join(dir, 'node.json'))
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('listen: must be host:port')
    expect(run.stderr).toContain('networkMap:')
    expect(run.stderr).toContain('app:')
  })

  it('refuses a network map whose key for this node is not the node’s key', async () => {
    const dir = tempDir()
    const cluster = await twoNodes(dir)
    const mapFile = path.join(dir, 'network.json')
    const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { parties: { name: string; publicKey: string }[] }
    const [caller, echoer] = map.parties
    ;[caller!.publicKey, echoer!.publicKey] = [echoer!.publicKey, caller!.publicKey]
    writeFileSync(mapFile, JSON.stringify(map))
    const run = colloquy('node', '--config', cluster.node('Caller').config)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('lists Caller with a different public key than')
  })

  it('refuses an app module without a nodeApp default export', () => {
    const dir = tempDir()
    const app = path.join(dir, 'app.ts')
    writeFileSync(app, 'export const flows = []\n')
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
    writeFileSync(path.join(dir, 'network.json'), JSON.stringify({ parties: [] }))
    writeFileSync(
      path.join(dir, 'node.json'),
      JSON.stringify({ name: 'A', database: 'a.db', listen: '127.0.0.1:47999', networkMap: 'network.json', app: 'app.ts' }),
    )
    const identity = colloquy('identity', '--config', path.join(dir, 'node.json'))
    expect(identity.code).toBe(0)
    const entry = JSON.parse(identity.stdout) as { name: string; address: string; publicKey: string }
    expect(entry).toMatchObject({ name: 'A', address: '127.0.0.1:47999' })
    writeFileSync(path.join(dir, 'network.json'), JSON.stringify({ parties: [entry] }))
    const run = colloquy('node', '--config', path.join(dir, 'node.json'))
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('app.ts:1:1: the node app has no default export made by nodeApp')
  })
})

describe('colloquy node: running', () => {
  it('runs a start-list flow once across restarts and stops cleanly on SIGTERM', async () => {
    const cluster = await twoNodes(tempDir())
    try {
      await cluster.start('Echoer')
      await cluster.start('Caller')
      await cluster.waitFor((n, e) => n.name === 'Caller' && e.event === 'flow-end', 30_000, true)
      await cluster.stop('Caller') // rejects unless the exit code is 0
      await cluster.start('Caller')
      const ready = cluster.node('Caller').events.filter((e) => e.event === 'ready')
      expect(ready).toHaveLength(2)
      await cluster.quiesce(10_000)
      await cluster.stopAll()
      expect(cluster.node('Caller').events.filter((e) => e.event === 'flow-started')).toHaveLength(1)
      expect(cluster.node('Caller').events.filter((e) => e.event === 'flow-end')).toHaveLength(1)
      expect(cluster.node('Caller').events.at(-1)).toEqual({ event: 'stopped', node: 'Caller' })
      expect(cluster.tableCounts('Caller')).toMatchObject({ running: 0, finished: 1 })
    } finally {
      await cluster.killAll()
    }
  })

  it('in drain mode finishes what is in flight, starts nothing new and says when it drained', async () => {
    const dir = tempDir()
    const cluster = await twoNodes(dir)
    try {
      const config = cluster.node('Caller').config
      writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), drain: true }))
      await cluster.start('Echoer')
      await cluster.start('Caller')
      await cluster.waitFor((n, e) => n.name === 'Caller' && e.event === 'drained', 30_000, true)
      expect(cluster.node('Caller').events.filter((e) => e.event === 'flow-started')).toEqual([])
      await cluster.stopAll()
    } finally {
      await cluster.killAll()
    }
  })
})
