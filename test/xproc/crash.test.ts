/**
 * Cross-process crash test: a 100-round Echo flow between two `colloquy node` processes on loopback while
 * either process is SIGKILLed at random moments and started again. Each seed picks the victims and the
 * moments (as counts of committed protocol steps); every echo must equal its ping (the flow checks), the
 * flow completes exactly once, and no in-flight rows remain in either database.
 */
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { seededRandom } from '../../runtime/network/seeded-random.js'
import { inFlight, ProcessCluster } from '../../scripts/lib/process-cluster.js'

const rounds = 100
const seeds = [11, 23, 37, 41]
const killsPerSeed = 6
/** Steps both nodes commit in a 100-round run: the caller sends choice + ping and receives the echo, the echoer the reverse, plus the ends. */
const stepsPerRun = rounds * 6

const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('two node processes, killed at random moments', () => {
  let totalKills = 0

  for (const seed of seeds) {
    it(`seed ${seed}: the flow completes once with every echo right`, async () => {
      const random = seededRandom(seed)
      const dir = mkdtempSync(path.join(tmpdir(), `colloquy-xproc-${seed}-`))
      dirs.push(dir)
      const flowId = `ping-pong-${seed}`
      const cluster = await ProcessCluster.create(dir, [
        {
          name: 'Caller',
          app: 'examples/echo-node.ts',
          start: [{ flow: 'ping-pong', id: flowId, args: { peer: 'Echoer', rounds, tag: `s${seed}` } }],
          settings: { redeliverAfterMs: 100 },
        },
        { name: 'Echoer', app: 'examples/echo-node.ts', settings: { redeliverAfterMs: 100 } },
      ])
      try {
        const thresholds = Array.from({ length: killsPerSeed }, () => Math.floor(random() * stepsPerRun * 0.9)).sort((a, b) => a - b)
        let steps = 0
        cluster.onEvent((_node, event) => {
          if (event.event === 'action') steps++
        })
        await cluster.start('Echoer')
        await cluster.start('Caller')
        let kills = 0
        for (const threshold of thresholds) {
          const callerDone = () => cluster.node('Caller').events.some((e) => e.event === 'flow-end' && e.flowId === flowId)
          while (steps < threshold && !callerDone()) await new Promise((resolve) => setTimeout(resolve, 1))
          if (callerDone()) break
          const victim = random() < 0.5 ? 'Caller' : 'Echoer'
          await cluster.kill(victim)
          kills++
          await cluster.start(victim)
        }
        totalKills += kills
        await eventually(
          () => cluster.node('Caller').events.some((e) => e.event === 'flow-end') || callerFlowStatus(cluster.node('Caller').database) === 'done',
          60_000,
        )
        // The last acknowledgements clear the outboxes; then nothing may remain in flight.
        await cluster.quiesce(30_000)
        await cluster.stopAll()
        for (const name of ['Caller', 'Echoer']) expect(inFlight(cluster.tableCounts(name)), name).toBe(0)

        const caller = new Database(cluster.node('Caller').database, { readonly: true })
        const echoer = new Database(cluster.node('Echoer').database, { readonly: true })
        try {
          const flows = caller.prepare('SELECT id, status, outcome FROM flows').all() as { id: string; status: string; outcome: string }[]
          expect(flows.map((f) => [f.id, f.status])).toEqual([[flowId, 'done']])
          expect(JSON.parse(flows[0]!.outcome)).toEqual({ v: 1, ok: true, value: { rounds, last: `s${seed}-${rounds - 1}` } })
          expect((echoer.prepare('SELECT count(*) AS n FROM flows').get() as { n: number }).n).toBe(0)
        } finally {
          caller.close()
          echoer.close()
        }
        const callerEnds = cluster.node('Caller').events.filter((e) => e.event === 'flow-end')
        const echoerEnds = cluster.node('Echoer').events.filter((e) => e.event === 'flow-end')
        // A kill between a flow's final commit and its report can hide the report, never repeat it; the
        // stored outcome above is the proof that it completed.
        expect(callerEnds.length).toBeLessThanOrEqual(1)
        for (const end of callerEnds) expect(end).toMatchObject({ ok: true, result: { rounds } })
        expect(echoerEnds.length).toBeLessThanOrEqual(1)
        for (const end of echoerEnds) expect(end).toMatchObject({ ok: true, result: rounds })
        expect(kills).toBeGreaterThanOrEqual(killsPerSeed - 1)
      } finally {
        await cluster.killAll()
      }
    }, 180_000)
  }

  it('killed the processes at least 20 times in all', () => {
    expect(totalKills).toBeGreaterThanOrEqual(20)
  })
})

function callerFlowStatus(file: string): string | undefined {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return (db.prepare('SELECT status FROM flows').get() as { status: string } | undefined)?.status
  } finally {
    db.close()
  }
}

async function eventually(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not reached within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
