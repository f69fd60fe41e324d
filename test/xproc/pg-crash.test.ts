/**
 * The cross-process crash test on PostgreSQL: two `colloquy node` processes, each with its store in a
 * PostgreSQL schema of its own, run a 40-round Echo flow over loopback TCP, and again over NATS JetStream
 * (a stream and subject prefix of the run's own, deleted), while either is SIGKILLed at seeded moments and
 * started again. The flow completes once with every echo right (the flow checks), its outcome is kept,
 * and neither schema holds anything in flight afterwards; the schemas are dropped.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, expect, it } from 'vitest'
import { seededRandom } from '../../runtime/network/seeded-random.js'
import { PgReads } from '../../runtime/store/postgres/pg-reads.js'
import { ProcessCluster } from '../../scripts/lib/process-cluster.js'
import { dropSchemas, freshSchema, pgTestUrl } from '../support/test-store.js'
import { deleteStream, natsUrl } from '../transport-nats/support/nats-cluster.js'

const rounds = 40
const kills = 5
const stepsPerRun = rounds * 6
const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-xproc-pg-'))
const schemas: string[] = []
const streams: string[] = []
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await dropSchemas(schemas)
  for (const stream of streams) await deleteStream(natsUrl, stream)
})

/** node.json's network section: none (TCP, the default) or NATS on a stream of this run's own. */
function networkSection(transport: 'tcp' | 'nats'): { network?: Record<string, unknown> } {
  if (transport === 'tcp') return {}
  const stream = `TEST_${randomBytes(6).toString('hex')}`
  streams.push(stream)
  return { network: { transport: 'nats', url: natsUrl, stream, subjectPrefix: `test.${randomBytes(6).toString('hex')}`, ackWaitMs: 2_000 } }
}

it.each(['tcp', 'nats'] as const)(
  'a flow between two node processes on PostgreSQL over %s, each killed with SIGKILL mid-flow and restarted, completes once',
  async (transport) => {
    const names = { Caller: freshSchema(`xproc_caller_${transport}`), Echoer: freshSchema(`xproc_echoer_${transport}`) }
    schemas.push(names.Caller, names.Echoer)
    const rowsOf = (name: 'Caller' | 'Echoer') =>
      PgReads.peek(pgTestUrl, names[name], async (reads) => ({ counts: await reads.counts(), kept: await reads.listFlows({ status: 'done' }) }))
    const random = seededRandom(7)
    const flowId = 'pg-ping-pong'
    const network = networkSection(transport)
    const store = (name: 'Caller' | 'Echoer') => ({
      store: { postgres: pgTestUrl, schema: names[name] },
      durability: 'fast',
      redeliverAfterMs: 100,
      ...network,
    })
    const cluster = await ProcessCluster.create(path.join(dir, transport), [
      {
        name: 'Caller',
        app: 'examples/echo-node.ts',
        start: [{ flow: 'ping-pong', id: flowId, args: { peer: 'Echoer', rounds, tag: 'pg' } }],
        settings: store('Caller'),
      },
      { name: 'Echoer', app: 'examples/echo-node.ts', settings: store('Echoer') },
    ])
    try {
      let steps = 0
      cluster.onEvent((_node, event) => {
        if (event.event === 'action') steps++
      })
      await cluster.start('Echoer')
      await cluster.start('Caller')
      const thresholds = Array.from({ length: kills }, () => Math.floor(random() * stepsPerRun * 0.8)).sort((a, b) => a - b)
      const ended = () => cluster.node('Caller').events.some((e) => e.event === 'flow-end' && e.flowId === flowId)
      let killed = 0
      for (const threshold of thresholds) {
        while (steps < threshold && !ended()) await new Promise((resolve) => setTimeout(resolve, 1))
        if (ended()) break
        const victim = killed % 2 === 0 ? 'Caller' : 'Echoer'
        await cluster.kill(victim)
        killed++
        await cluster.start(victim)
      }
      expect(killed).toBeGreaterThanOrEqual(3)
      const deadline = Date.now() + 60_000
      for (;;) {
        const [caller, echoer] = [await rowsOf('Caller'), await rowsOf('Echoer')]
        const inFlight = (r: typeof caller) =>
          r.counts.flows - r.kept.length + r.counts.journal + r.counts.sessions + r.counts.inbox + r.counts.outbox + r.counts.timers
        if (caller.kept.length === 1 && inFlight(caller) === 0 && inFlight(echoer) === 0) break
        if (Date.now() > deadline) throw new Error(`not finished in time: ${JSON.stringify({ caller, echoer })}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      await cluster.stopAll()
      const caller = await rowsOf('Caller')
      expect(caller.kept.map((f) => [f.id, f.status])).toEqual([[flowId, 'done']])
      const outcome = await PgReads.peek(pgTestUrl, names.Caller, (reads) => reads.outcomeOf(flowId))
      expect(JSON.parse(outcome!)).toEqual({ v: 1, ok: true, value: { rounds, last: `pg-${rounds - 1}` } })
      expect((await rowsOf('Echoer')).counts.flows).toBe(0)
      const callerEnds = cluster.node('Caller').events.filter((e) => e.event === 'flow-end')
      expect(callerEnds.length).toBeLessThanOrEqual(1) // a kill between the final commit and its report can hide it, never repeat it
      for (const end of callerEnds) expect(end).toMatchObject({ ok: true, result: { rounds } })
    } finally {
      await cluster.killAll()
    }
  },
  180_000,
)
