/**
 * Worker processes under fire (docs/scale-out.md): node Beta runs as three `colloquy node` worker processes
 * on one PostgreSQL schema, Alpha as one process on SQLite, both over NATS JetStream. Alpha pings Beta and
 * sells Beta assets (the two-party trade) while random Beta workers are killed with SIGKILL and restarted,
 * at least 20 times: every flow completes once with the right result (each echo matches its ping, so a
 * lost or duplicated message would fail or hang the flow), and no row is left on either node. A worker
 * paused with SIGSTOP past its lease is taken over, and after SIGCONT it commits nothing and exits.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { inFlight, ProcessCluster } from '../../scripts/lib/process-cluster.js'
import { WorkerGroup, type WorkerProcess } from '../../scripts/lib/worker-group.js'
import { deleteStream, natsUrl } from '../transport-nats/support/nats-cluster.js'
import { testDatabaseUrl } from '../workers/support/pg-schema.js'
import { pgInFlight, pgOutbox, pgRows } from './support/pg-rows.js'

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const offer = (i: number) => ({
  price: { quantity: 900 + i, currency: 'USD' },
  asset: { ref: { txId: `issuance-${i}`, index: 0 }, description: `bond ${i}`, owner: 'Alpha' },
})

interface Setup {
  readonly cluster: ProcessCluster
  readonly beta: WorkerGroup
  readonly schema: string
}

async function setup(starts: { flow: string; id: string; args: unknown }[], leaseMs: number): Promise<Setup> {
  const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-workers-'))
  const schema = `t_xworkers_${randomBytes(6).toString('hex')}`
  const stream = `TEST_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: testDatabaseUrl })
  await admin.connect()
  cleanups.push(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
    await deleteStream(natsUrl, stream)
    rmSync(dir, { recursive: true, force: true })
  })
  const network = { transport: 'nats', url: natsUrl, stream, subjectPrefix: `test.${randomBytes(6).toString('hex')}`, ackWaitMs: 2_000 }
  const cluster = await ProcessCluster.create(dir, [
    { name: 'Alpha', app: 'test/xproc/apps/worker-app.ts', start: starts, settings: { network, redeliverAfterMs: 300 } },
    {
      name: 'Beta',
      app: 'test/xproc/apps/worker-app.ts',
      settings: { network, redeliverAfterMs: 300, store: { postgres: testDatabaseUrl, schema, workers: { leaseMs } } },
    },
  ])
  const beta = new WorkerGroup(cluster.node('Beta').config)
  cleanups.push(() => cluster.killAll())
  cleanups.push(() => beta.killAll())
  return { cluster, beta, schema }
}

/** Waits until neither node has anything in flight (Alpha's SQLite file, Beta's schema). */
async function quiesce(env: Setup, timeoutMs: number): Promise<void> {
  const { cluster, schema } = env
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const alpha = cluster.tableCounts('Alpha')
    const beta = await pgRows(testDatabaseUrl, schema)
    if (inFlight(alpha) === 0 && pgInFlight(beta) === 0) return
    if (Date.now() > deadline) {
      const left = await pgOutbox(testDatabaseUrl, schema)
      // The workers' own accounts, for whoever reads the failure.
      const log = path.join('.tmp', `worker-crash-${schema}.log`)
      mkdirSync('.tmp', { recursive: true })
      writeFileSync(
        log,
        env.beta.processes
          .map((p) => [`# worker ${p.index} (pid ${p.child.pid})`, ...p.stderr, ...p.events.map((e) => JSON.stringify(e))].join('\n'))
          .join('\n'),
      )
      throw new Error(
        `still in flight after ${timeoutMs} ms (workers' log: ${log}): Alpha ${JSON.stringify(alpha)}, Beta ${JSON.stringify(beta)}, Beta's outbox ${JSON.stringify(left)}`,
      )
    }
    await sleep(100)
  }
}

function endsOf(cluster: ProcessCluster) {
  return cluster.node('Alpha').events.filter((e) => e.event === 'flow-end') as unknown as { flowId: string; ok: boolean; result: unknown }[]
}

describe('worker processes of one node', () => {
  it('finish every ping-pong and trade once while random workers are killed and restarted', async () => {
    const rounds = 400
    const pings = Array.from({ length: 4 }, (_, i) => ({ flow: 'ping-pong', id: `ping-${i}`, args: { peer: 'Beta', rounds, tag: `p${i}` } }))
    const trades = Array.from({ length: 12 }, (_, i) => ({ flow: 'sell-asset', id: `trade-${i}`, args: { buyer: 'Beta', offer: offer(i) } }))
    const env = await setup([...pings, ...trades], 1_500)
    const { cluster, beta } = env
    await Promise.all([beta.start(), beta.start(), beta.start()])
    await cluster.start('Alpha')
    // A kill every 0.4 to 0.7 s, of any worker process (one still starting too), as long as another one is
    // up; each is replaced at once (not awaited), so kills, starts and takeovers overlap.
    let kills = 0
    const inFlightAtKill: number[] = []
    const starting: Promise<unknown>[] = []
    const ready = (p: WorkerProcess) => p.events.some((e) => e.event === 'ready')
    // Kills go on until 20 of them hit while flows were in flight (at most 40 in all).
    while (inFlightAtKill.filter((n) => n > 0).length < 20 && kills < 40) {
      await sleep(400 + Math.floor(Math.random() * 300))
      const alive = beta.alive
      const victim = alive[Math.floor(Math.random() * alive.length)]!
      if (!alive.some((p) => p !== victim && ready(p))) continue
      await beta.kill(victim)
      kills++
      inFlightAtKill.push(pings.length + trades.length - endsOf(cluster).length)
      starting.push(beta.start().catch(() => undefined)) // killed before it was ready: fine
    }
    await Promise.all(starting)
    const deadline = Date.now() + 60_000
    while (endsOf(cluster).length < pings.length + trades.length && Date.now() < deadline) await sleep(100)
    const ends = endsOf(cluster)
    expect(ends.map((e) => e.flowId).sort()).toEqual([...pings, ...trades].map((s) => s.id).sort()) // each once
    for (const end of ends) expect(end, end.flowId).toMatchObject({ ok: true })
    for (const [i] of pings.entries()) expect(ends.find((e) => e.flowId === `ping-${i}`)!.result).toEqual({ rounds, last: `p${i}-${rounds - 1}` })
    expect(inFlightAtKill.filter((n) => n > 0).length, 'kills while flows were in flight').toBeGreaterThanOrEqual(20)
    await quiesce(env, 30_000)
    const taken = beta.processes.flatMap((p) => p.events).filter((e) => e.event === 'log' && /took over/.test((e as { message?: string }).message ?? ''))
    expect(taken.length, 'takeovers logged').toBeGreaterThan(0)
    expect(await beta.stopAll()).toEqual([0, 0, 0])
    await cluster.stop('Alpha')
  }, 150_000)

  it('a worker paused past its lease is taken over, and after SIGCONT commits nothing and exits', async () => {
    const rounds = 80
    const env = await setup([{ flow: 'ping-pong', id: 'long', args: { peer: 'Beta', rounds, tag: 'l' } }], 1_000)
    const { cluster, beta, schema } = env
    const workers = [await beta.start(), await beta.start()]
    await cluster.start('Alpha')
    const admin = new pg.Client({ connectionString: testDatabaseUrl })
    await admin.connect()
    let paused: WorkerProcess | undefined
    try {
      // The worker that owns the echoer flow, once it is a few rounds in.
      for (const deadline = Date.now() + 20_000; !paused && Date.now() < deadline; await sleep(20)) {
        const { rows } = await admin.query<{ pid: number }>(`SELECT w.pid FROM "${schema}".flow_owners o JOIN "${schema}".workers w ON w.token = o.token`)
        if (rows.length === 1 && cluster.node('Alpha').events.filter((e) => e.event === 'action').length > 20)
          paused = workers.find((w) => w.child.pid === rows[0]!.pid)
      }
      expect(paused, 'the owner of the flow').toBeDefined()
      paused!.child.kill('SIGSTOP')
      const other = workers.find((w) => w !== paused)!
      // Taken over after the lease: the other worker resumes the flow, and it finishes without the paused one.
      const end = await cluster.waitFor((n, e) => n.name === 'Alpha' && e.event === 'flow-end', 60_000, true)
      expect(end).toMatchObject({ ok: true, flowId: 'long', result: { rounds, last: `l-${rounds - 1}` } })
      expect(other.events.some((e) => e.event === 'log' && /took over 1 flow/.test((e as { message?: string }).message ?? ''))).toBe(true)
      paused!.child.kill('SIGCONT')
      expect(await paused!.exited).toBe(1)
      const said = [...paused!.stderr, ...paused!.events.map((e) => JSON.stringify(e))].join('\n')
      expect(said).toMatch(/lost its lease/)
      await quiesce(env, 20_000)
      expect(endsOf(cluster)).toHaveLength(1)
      expect(await beta.stopAll()).toEqual([0])
    } finally {
      await admin.end()
    }
  }, 120_000)
})
