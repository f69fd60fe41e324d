/**
 * The store across processes: a second `colloquy node` on a database in use is refused with the first
 * one's pid, host and start time, and takes no port; a process killed with SIGKILL never blocks its
 * restart; a database that is damaged, or emptied behind what it had committed, is refused with exit code 6
 * and the way out, and an emptied one does not re-run the config's start list.
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exitCodes } from '../../runtime/protocol/errors/exit-codes.js'
import { freePort, ProcessCluster } from '../../scripts/lib/process-cluster.js'

const repository = path.resolve(import.meta.dirname, '..', '..')
const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-store-xproc-'))
let cluster: ProcessCluster

beforeAll(async () => {
  cluster = await ProcessCluster.create(dir, [
    { name: 'Caller', app: 'examples/echo-node.ts', start: [{ flow: 'ping-pong', id: 'once', args: { peer: 'Echoer', rounds: 3 } }] },
    { name: 'Echoer', app: 'examples/echo-node.ts' },
  ])
})
afterAll(async () => {
  await cluster?.killAll()
  rmSync(dir, { recursive: true, force: true })
})

/** `colloquy node` for `name`'s config (or the config file given), run to its exit. */
function runNode(name: string, config = cluster.node(name).config) {
  const run = spawnSync(process.execPath, [path.join(repository, 'bin', 'colloquy.js'), 'node', '--config', config, '--json'], {
    cwd: repository,
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { code: run.status, stdout: run.stdout, stderr: run.stderr }
}

describe('colloquy node: one process per store', () => {
  it('refuses a second process on a database in use, naming the first, and a SIGKILLed one never blocks its restart', async () => {
    await cluster.start('Echoer')
    await cluster.start('Caller')
    await cluster.waitFor((n, e) => n.name === 'Caller' && e.event === 'flow-end', 30_000, true)
    const first = cluster.node('Caller').events.find((e) => e.event === 'ready') as { pid: number }

    // The same database and key, listening elsewhere: only the store can tell the two apart.
    const again = path.join(dir, 'Caller-again.node.json')
    writeFileSync(again, JSON.stringify({ ...JSON.parse(readFileSync(cluster.node('Caller').config, 'utf8')), listen: `127.0.0.1:${await freePort()}` }))
    const second = runNode('Caller', again)
    expect(second.code).toBe(exitCodes.failed)
    expect(second.stderr).toContain(`The store ${cluster.node('Caller').database} is in use by pid ${first.pid} on host ${hostname()} since `)
    expect(second.stderr).toContain('Stop that node first')
    expect(second.stdout, 'the refused process reports nothing as a node').not.toContain('"event"')

    await cluster.kill('Caller') // SIGKILL: no chance to let go of anything
    await cluster.start('Caller')
    expect(cluster.node('Caller').events.filter((e) => e.event === 'ready')).toHaveLength(2)
    expect(cluster.node('Caller').events.filter((e) => e.event === 'flow-started')).toHaveLength(1)
    await cluster.stop('Caller')
  })
})

describe('colloquy node: a store it cannot trust', () => {
  it('refuses a damaged database with its path, the advice and exit code 6', () => {
    const database = cluster.node('Caller').database
    copyFileSync(database, `${database}.good`)
    try {
      writeFileSync(database, 'not a database at all\n'.repeat(300))
      const garbage = runNode('Caller')
      expect(garbage.code).toBe(exitCodes.storeDamaged)
      expect(garbage.stderr).toContain(`The store ${database} cannot be opened: file is not a database`)
      expect(garbage.stderr).toContain('Restore it from a backup')

      copyFileSync(`${database}.good`, database)
      truncateSync(database, Math.floor(statSync(database).size / 2))
      const truncated = runNode('Caller')
      expect(truncated.code).toBe(exitCodes.storeDamaged)
      expect(truncated.stderr).toContain(`The store ${database} cannot be opened: database disk image is malformed`)
    } finally {
      copyFileSync(`${database}.good`, database)
    }
  })

  it('refuses an emptied database with the evidence and does not run its start list again', () => {
    const database = cluster.node('Caller').database
    writeFileSync(database, '')
    rmSync(`${database}-wal`, { force: true })
    const emptied = runNode('Caller')
    expect(emptied.code).toBe(exitCodes.storeDamaged)
    expect(emptied.stderr).toMatch(/went backwards: it is at commit 0 but had reached at least commit [1-9]\d* at \S+Z/)
    expect(emptied.stderr).toContain(`delete ${database}-commits`)
    expect(emptied.stdout).not.toContain('flow-started')
    expect(statSync(database).size).toBe(0)
  })
})
