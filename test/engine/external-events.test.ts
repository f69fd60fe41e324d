/**
 * Durable external events: ctx.waitFor(name, schema, { timeoutMs }) waits until node.signal delivers a
 * payload the schema accepts, or the timeout passes; a signal sent before the flow waits is kept for it;
 * each name is delivered once per flow, across duplicates and restarts (also a crash between the signal and
 * the flow's next step).
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { FlowNotFoundError, InvalidSignalError, type Node, flow } from '../../runtime/engine/index.js'
import { InvalidOptionError } from '../../runtime/protocol/errors/invalid-option-error.js'
import { InvalidPayloadError } from '../../runtime/protocol/session/index.js'
import { Cluster, eventually, turns } from './support/cluster.js'

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

const approval = z.object({ approved: z.boolean(), by: z.string() })

/** Counts, across restarts, how often each step body ran. */
let ran: Map<string, number>
/** Lets the step after the wait finish; replaced per test. */
let release: () => void
let gate: Promise<void>
beforeEach(() => {
  ran = new Map()
  gate = new Promise((resolve) => (release = resolve))
})
const count = (name: string) => ran.set(name, (ran.get(name) ?? 0) + 1)

const approve = flow('approve', async (ctx) => {
  const answer = await ctx.waitFor('approval', approval)
  return answer.ok ? `${answer.value.approved ? 'approved' : 'rejected'} by ${answer.value.by}` : 'timed out'
})

const twoEvents = flow('two-events', async (ctx) => {
  const first = await ctx.waitFor('first', z.number())
  const second = await ctx.waitFor('second', z.number())
  return [first, second]
})

const withTimeout = flow('with-timeout', z.number(), async (ctx, ms) => ctx.waitFor('reply', z.string(), { timeoutMs: ms }))

/** Waits, then runs a step that blocks until the test releases it. */
const stepAfter = flow('step-after', async (ctx) => {
  const answer = await ctx.waitFor('approval', approval)
  const seen = await ctx.step('after', async () => {
    count('after')
    await gate
    return answer.ok ? answer.value.by : 'none'
  })
  return `after ${seen}`
})

const waitsTwice = flow('waits-twice', async (ctx) => {
  await ctx.waitFor('once', z.number())
  return ctx.waitFor('once', z.number())
})

const badWait = flow('bad-wait', z.object({ name: z.string(), timeoutMs: z.number().optional() }), async (ctx, args) =>
  ctx.waitFor(args.name, z.null(), args.timeoutMs === undefined ? {} : { timeoutMs: args.timeoutMs }),
)

const flows = [approve, twoEvents, withTimeout, stepAfter, waitsTwice, badWait]

async function alice(spec: { evictIdleAfterMs?: number } = {}): Promise<Node> {
  cluster ??= new Cluster()
  return cluster.add('Alice', { flows, ...spec })
}

/** Signals kept in Alice's store (read beside the running node, as operators' tools do). */
function signalRows(): number {
  const db = new Database(join(cluster.dir, 'Alice.db'), { readonly: true })
  try {
    return db.prepare('SELECT count(*) FROM signals').pluck().get() as number
  } finally {
    db.close()
  }
}

/** Until the flow waits for the event (its status says so). */
async function waitingFor(node: Node, flowId: string, name: string): Promise<void> {
  await eventually(async () => {
    const status = await node.flowStatus(flowId)
    return status?.waitingFor?.kind === 'event' && status.waitingFor.name === name
  })
}

describe('ctx.waitFor and node.signal', () => {
  beforeEach(() => {
    cluster = new Cluster()
  })

  it('a signal to a waiting flow is delivered, parsed by the schema, and the flow goes on', async () => {
    const node = await alice()
    const handle = node.startFlow(approve, undefined)
    await waitingFor(node, handle.flowId, 'approval')
    expect(await node.signal(handle.flowId, 'approval', { approved: true, by: 'Carol' })).toEqual({ status: 'delivered' })
    expect(await handle.result).toBe('approved by Carol')
    expect(signalRows()).toBe(0)
  })

  it('a signal sent before the flow waits is kept and taken when it waits', async () => {
    const node = await alice()
    const handle = node.startFlow(twoEvents, undefined)
    await waitingFor(node, handle.flowId, 'first')
    expect(await node.signal(handle.flowId, 'second', 2)).toEqual({ status: 'pending' })
    expect(signalRows()).toBe(1)
    expect(await node.signal(handle.flowId, 'first', 1)).toEqual({ status: 'delivered' })
    expect(await handle.result).toEqual([
      { ok: true, value: 1 },
      { ok: true, value: 2 },
    ])
  })

  it('a duplicate signal changes nothing, before and after delivery, and after a restart', async () => {
    let node = await alice()
    const handle = node.startFlow(twoEvents, undefined)
    await waitingFor(node, handle.flowId, 'first')
    expect(await node.signal(handle.flowId, 'second', 2)).toEqual({ status: 'pending' })
    expect(await node.signal(handle.flowId, 'second', 99)).toEqual({ status: 'duplicate' })
    expect(await node.signal(handle.flowId, 'first', 1)).toEqual({ status: 'delivered' })
    await handle.result
    const again = node.startFlow(twoEvents, undefined)
    await waitingFor(node, again.flowId, 'first')
    expect(await node.signal(again.flowId, 'first', 10)).toEqual({ status: 'delivered' })
    await waitingFor(node, again.flowId, 'second')
    node = await cluster.crashAndRestart('Alice')
    expect(await node.signal(again.flowId, 'first', 11)).toEqual({ status: 'duplicate' })
    expect(await node.signal(again.flowId, 'second', 20)).toEqual({ status: 'delivered' })
    expect(await node.resultOf(again.flowId)).toEqual([
      { ok: true, value: 10 },
      { ok: true, value: 20 },
    ])
  })

  it('a payload the waiting schema refuses is refused with the schema error, and nothing is kept', async () => {
    const node = await alice()
    const handle = node.startFlow(approve, undefined)
    await waitingFor(node, handle.flowId, 'approval')
    const refused = node.signal(handle.flowId, 'approval', { approved: 'yes', by: 'Carol' })
    await expect(refused).rejects.toThrow(InvalidSignalError)
    await expect(refused).rejects.toThrow(
      `The payload of signal 'approval' for flow ${handle.flowId} on Alice does not match the schema the flow waits with: approved:`,
    )
    expect(signalRows()).toBe(0)
    expect(await node.signal(handle.flowId, 'approval', { approved: false, by: 'Dan' })).toEqual({ status: 'delivered' })
    expect(await handle.result).toBe('rejected by Dan')
  })

  it('a kept signal the schema refuses when the flow waits is dropped, and the flow waits for another', async () => {
    const node = await alice()
    const handle = node.startFlow(twoEvents, undefined)
    await waitingFor(node, handle.flowId, 'first')
    expect(await node.signal(handle.flowId, 'second', 'not a number')).toEqual({ status: 'pending' })
    expect(await node.signal(handle.flowId, 'first', 1)).toEqual({ status: 'delivered' })
    await waitingFor(node, handle.flowId, 'second')
    expect(signalRows()).toBe(1) // the delivered one; the refused one is gone
    expect(await node.signal(handle.flowId, 'second', 2)).toEqual({ status: 'delivered' })
    expect((await handle.result) as unknown[]).toEqual([
      { ok: true, value: 1 },
      { ok: true, value: 2 },
    ])
  })

  it('a timeout is a result, not a hang; a wait with a timeout shows when it ends in the flow status', async () => {
    const node = await alice()
    const handle = node.startFlow(withTimeout, 30)
    expect(await handle.result).toEqual({ ok: false, timedOut: true })
    await expect(node.signal(handle.flowId, 'reply', 'late')).rejects.toThrow(FlowNotFoundError)
    const answered = node.startFlow(withTimeout, 60_000)
    await waitingFor(node, answered.flowId, 'reply')
    const status = await node.flowStatus(answered.flowId)
    expect(status?.waitingFor).toMatchObject({ kind: 'event', name: 'reply' })
    expect((status!.waitingFor as { timeoutAt: number }).timeoutAt).toBeGreaterThan(Date.now() + 50_000)
    await node.signal(answered.flowId, 'reply', 'in time')
    expect(await answered.result).toEqual({ ok: true, value: 'in time' })
    expect((await node.tableCounts()).timers).toBe(0)
  })

  it('a timeout that passes while the node is down ends the wait when it opens again', async () => {
    let node = await alice()
    const handle = node.startFlow(withTimeout, 150)
    await waitingFor(node, handle.flowId, 'reply')
    node.crash()
    await new Promise((resolve) => setTimeout(resolve, 200))
    node = await alice()
    expect(await node.resultOf(handle.flowId)).toEqual({ ok: false, timedOut: true })
  })

  it('a crash between the signal and the flow’s next step: the flow resumes with the payload, delivered once', async () => {
    let node = await alice()
    const handle = node.startFlow(stepAfter, undefined)
    await waitingFor(node, handle.flowId, 'approval')
    expect(await node.signal(handle.flowId, 'approval', { approved: true, by: 'Erin' })).toEqual({ status: 'delivered' })
    await eventually(() => ran.get('after') === 1)
    node = await cluster.crashAndRestart('Alice')
    release()
    expect(await node.resultOf(handle.flowId)).toBe('after Erin')
    // The step ran again (its result was never committed); the event was not asked for again.
    expect(ran.get('after')).toBe(2)
  })

  it('an evicted flow is loaded again for its signal', async () => {
    const node = await alice({ evictIdleAfterMs: 0 })
    const handle = node.startFlow(approve, undefined)
    await eventually(() => node.stats.evictions === 1)
    await node.committed() // the eviction writes what the flow waits for in the batch after it
    // What it waits for, with the payload's JSON Schema (for an operator's form), survives the eviction.
    expect((await node.flowStatus(handle.flowId))?.waitingFor).toEqual({
      kind: 'event',
      name: 'approval',
      schema: { type: 'object', properties: { approved: { type: 'boolean' }, by: { type: 'string' } }, required: ['approved', 'by'] },
    })
    expect(await node.signal(handle.flowId, 'approval', { approved: true, by: 'Fay' })).toEqual({ status: 'delivered' })
    expect(await node.resultOf(handle.flowId)).toBe('approved by Fay')
    expect(node.stats.rehydrations).toBe(1)
  })

  it('a signal for no running flow is refused; a second wait for a delivered name fails the flow', async () => {
    const node = await alice()
    await expect(node.signal('no-such-flow', 'approval', {})).rejects.toThrow(FlowNotFoundError)
    await expect(node.signal('no-such-flow', 'approval', {})).rejects.toThrow('No running flow no-such-flow on Alice')
    const twice = node.startFlow(waitsTwice, undefined)
    await waitingFor(node, twice.flowId, 'once')
    await node.signal(twice.flowId, 'once', 1)
    await expect(twice.result).rejects.toThrow(InvalidOptionError)
    await expect(twice.result).rejects.toThrow("waits again for event 'once', which it was already delivered")
    await turns()
  })

  it('an empty event name or a negative timeout fails the wait; a signal needs a name and a payload that can be stored', async () => {
    const node = await alice()
    const unnamed = node.startFlow(badWait, { name: '' })
    await expect(unnamed.result).rejects.toThrow('ctx.waitFor needs an event name (a non-empty string), but got ""; name the event.')
    const negative = node.startFlow(badWait, { name: 'x', timeoutMs: -1 })
    await expect(negative.result).rejects.toThrow("ctx.waitFor('x') got timeoutMs -1; give a number of milliseconds, 0 or more")
    const handle = node.startFlow(approve, undefined)
    await waitingFor(node, handle.flowId, 'approval')
    await expect(node.signal(handle.flowId, '', {})).rejects.toThrow(InvalidOptionError)
    await expect(node.signal(handle.flowId, 'approval', { by: () => 'Carol' })).rejects.toThrow(InvalidPayloadError)
    await expect(node.signal(handle.flowId, 'approval', { by: () => 'Carol' })).rejects.toThrow(
      `The payload of signal 'approval' for flow ${handle.flowId} cannot be stored: payload.by is a function.`,
    )
    expect(signalRows()).toBe(0)
  })
})
