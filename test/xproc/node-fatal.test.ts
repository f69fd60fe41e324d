/**
 * `colloquy node` with a fatal error ends: it says what went wrong once and exits with the error's exit
 * code, instead of listening half alive until it is killed. A start entry with a typo in its arguments is
 * the config's fault, named by field, and never reaches the store.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { NodeEvent } from '../../runtime/process/node-events.js'
import { ProcessCluster } from '../../scripts/lib/process-cluster.js'

const repository = path.resolve(import.meta.dirname, '..', '..')
const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-node-fatal-'))
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Runs `colloquy node` to its end (or 30 s, after which it is killed and `code` is null). */
function runNode(config: string) {
  const started = Date.now()
  const run = spawnSync(process.execPath, [path.join(repository, 'bin', 'colloquy.js'), 'node', '--config', config, '--json'], {
    cwd: repository,
    encoding: 'utf8',
    timeout: 30_000,
    killSignal: 'SIGKILL',
  })
  const events = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as NodeEvent)
  return { code: run.status, stderr: run.stderr, stdout: run.stdout, events, ms: Date.now() - started }
}

const blamesStorage = /storage|SqliteError|NOT NULL|sessions\.peer|SQLITE/i

describe('colloquy node: fatal errors end the process', () => {
  it('a start entry whose arguments have a typo exits 2 at once, naming the field, and writes nothing', async () => {
    const cluster = await ProcessCluster.create(tempDir(), [
      { name: 'Caller', app: 'examples/echo-node.ts', start: [{ flow: 'ping-pong', id: 'typo', args: { pear: 'Echoer', rounds: 1 } }] },
      { name: 'Echoer', app: 'examples/echo-node.ts' },
    ])
    const config = cluster.node('Caller').config
    const run = runNode(config)
    expect(run.code, run.stderr).toBe(2)
    expect(run.ms).toBeLessThan(20_000)
    expect(run.stderr).toBe(
      `colloquy node: ${config}: the start entry with id 'typo' has arguments flow 'ping-pong' does not accept (peer: Invalid input: expected string, received undefined); fix its "args" and start the node again.\n`,
    )
    expect(run.stdout).not.toMatch(blamesStorage)
    expect(run.events.filter((e) => e.event === 'ready' || e.event === 'flow-started' || e.event === 'log')).toEqual([])
    expect(cluster.tableCounts('Caller')).toEqual({ running: 0, finished: 0, journal: 0, sessions: 0, inbox: 0, outbox: 0, timers: 0 })
  })

  it('a start list is checked as a whole: a bad entry after a good one starts neither', async () => {
    const cluster = await ProcessCluster.create(tempDir(), [
      {
        name: 'Caller',
        app: 'examples/echo-node.ts',
        start: [
          { flow: 'ping-pong', id: 'good', args: { peer: 'Echoer', rounds: 1 } },
          { flow: 'ping-pong', id: 'bad', args: { peer: 'Echoer', rounds: 'two' } },
        ],
      },
      { name: 'Echoer', app: 'examples/echo-node.ts' },
    ])
    const run = runNode(cluster.node('Caller').config)
    expect(run.code, run.stderr).toBe(2)
    expect(run.stderr).toContain(
      "the start entry with id 'bad' has arguments flow 'ping-pong' does not accept (rounds: Invalid input: expected number, received string)",
    )
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(cluster.tableCounts('Caller').running + cluster.tableCounts('Caller').finished).toBe(0)
  })

  it('a node whose store fails to commit while it runs logs that once and exits 1 instead of staying half alive', async () => {
    const dir = tempDir()
    const database = path.join(dir, 'Damaged.db')
    const cluster = await ProcessCluster.create(dir, [
      {
        name: 'Damaged',
        app: path.join(repository, 'test/xproc/apps/damage-store.ts'),
        start: [{ flow: 'damage-store', id: 'damage', args: { database, sleepMs: 50 } }],
      },
    ])
    const run = runNode(cluster.node('Damaged').config)
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1)
    expect(run.events.some((e) => e.event === 'ready')).toBe(true)
    const errors = run.events.filter((e) => e.event === 'log' && e.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ event: 'log', node: 'Damaged', level: 'error', message: expect.stringMatching(/commit|locked/i) })
    expect(run.events.filter((e) => e.event === 'stopped')).toEqual([])
    expect(run.stderr).toBe('')
  })

  it('a node whose store fails to commit while it starts its start list logs that once and exits 1', async () => {
    const dir = tempDir()
    const database = path.join(dir, 'Damaged.db')
    const cluster = await ProcessCluster.create(dir, [
      {
        name: 'Damaged',
        app: path.join(repository, 'test/xproc/apps/damage-store.ts'),
        start: [{ flow: 'damage-store', id: 'damage', args: { database, sleepMs: 0 } }],
      },
    ])
    const run = runNode(cluster.node('Damaged').config)
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1)
    expect(run.events.some((e) => e.event === 'ready')).toBe(false)
    const errors = run.events.filter((e) => e.event === 'log' && e.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ event: 'log', node: 'Damaged', level: 'error', message: expect.stringMatching(/commit|locked/i) })
    expect(run.stderr).toBe('')
  })
})
