/**
 * Key files and key rotation as an operator meets them: `colloquy node` refuses a missing key file (it
 * creates none: only `colloquy identity` does) and a key file others may read; `colloquy identity --rotate`
 * plus SIGHUP rotates a party's key while its peers keep running.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ProcessCluster } from '../../scripts/lib/process-cluster.js'

const repository = path.resolve(import.meta.dirname, '..', '..')
const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-keys-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function colloquy(...args: string[]) {
  const run = spawnSync(process.execPath, [path.join(repository, 'bin', 'colloquy.js'), ...args], { cwd: repository, encoding: 'utf8', timeout: 20_000 })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

async function twoNodes(dir: string) {
  return ProcessCluster.create(dir, [
    { name: 'Caller', app: 'examples/echo-node.ts', start: [{ flow: 'ping-pong', id: 'once', args: { peer: 'Echoer', rounds: 3 } }] },
    { name: 'Echoer', app: 'examples/echo-node.ts', settings: { redeliverAfterMs: 200 } },
  ])
}

describe('colloquy node: key files', () => {
  it('refuses a missing key file without creating one, saying to run colloquy identity and publish its key', async () => {
    const cluster = await twoNodes(tempDir())
    const { config, database } = cluster.node('Caller')
    rmSync(`${database}.key`)
    const run = colloquy('node', '--config', config)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(
      `colloquy node: The key file ${database}.key of Caller does not exist, and a node never creates its own key; run \`colloquy identity --config ${config}\` to create it, then publish the public key it prints`,
    )
    expect(existsSync(`${database}.key`)).toBe(false)
  })

  it('refuses a key file its group or others may read, naming the chmod that fixes it', async () => {
    const cluster = await twoNodes(tempDir())
    const { config, database } = cluster.node('Caller')
    chmodSync(`${database}.key`, 0o644)
    const run = colloquy('node', '--config', config)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`colloquy node: The key file ${database}.key of Caller has mode 0644`)
    expect(run.stderr).toContain(`Run \`chmod 600 ${database}.key\``)
  })
})

describe('colloquy node: key rotation', () => {
  it('takes a peer’s new key on SIGHUP without a restart, and keeps its map when the new one is broken', async () => {
    const dir = tempDir()
    const cluster = await twoNodes(dir)
    const mapFile = path.join(dir, 'network.json')
    const reloaded = (text: string) => cluster.waitFor((n, e) => n.name === 'Caller' && e.event === 'log' && e.message.includes(text), 15_000)
    try {
      await cluster.start('Echoer')
      const caller = await cluster.start('Caller')
      await cluster.waitFor((n, e) => n.name === 'Caller' && e.event === 'flow-end', 30_000, true)

      // A broken map is not taken: the node logs why and keeps running on the map it has.
      const goodMap = readFileSync(mapFile, 'utf8')
      writeFileSync(mapFile, '{ "parties": [')
      const kept = reloaded('Kept the previous network map')
      caller.process!.kill('SIGHUP')
      await kept
      writeFileSync(mapFile, goodMap)

      // Echoer rotates its key; the new entry is published in the map and Caller reloads it.
      const echoer = cluster.node('Echoer')
      const rotated = colloquy('identity', '--config', echoer.config, '--rotate')
      expect(rotated.code, rotated.stderr).toBe(0)
      const entry = JSON.parse(rotated.stdout) as { name: string; address: string; publicKey: string }
      expect(existsSync(`${echoer.database}.key.old`)).toBe(true)
      const map = JSON.parse(goodMap) as { parties: { name: string; publicKey: string }[] }
      expect(map.parties.find((p) => p.name === 'Echoer')!.publicKey).not.toBe(entry.publicKey)
      writeFileSync(mapFile, JSON.stringify({ parties: map.parties.map((p) => (p.name === 'Echoer' ? entry : p)) }))
      const taken = reloaded('Reloaded the network map')
      caller.process!.kill('SIGHUP')
      expect(await taken).toMatchObject({ level: 'info', message: expect.stringContaining('closed the connections of Echoer') })

      // Echoer restarts with its new key and starts a flow with Caller, which never restarted.
      await cluster.stop('Echoer')
      const settings = JSON.parse(readFileSync(echoer.config, 'utf8')) as Record<string, unknown>
      writeFileSync(echoer.config, JSON.stringify({ ...settings, start: [{ flow: 'ping-pong', id: 'after-rotation', args: { peer: 'Caller', rounds: 3 } }] }))
      await cluster.start('Echoer')
      const end = await cluster.waitFor((n, e) => n.name === 'Echoer' && e.event === 'flow-end' && e.flowId === 'after-rotation', 30_000, true)
      expect(end).toMatchObject({ ok: true })
      expect(caller.process!.exitCode).toBeNull()
      expect(caller.starts).toBe(1)
      expect(caller.events.filter((e) => e.event === 'ready')).toHaveLength(1)
      await cluster.stopAll()
    } finally {
      await cluster.killAll()
    }
  }, 90_000)
})
