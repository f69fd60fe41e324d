/**
 * Kept outcomes (keepFinishedFlows) come back as what they were after the node is stopped and opened
 * again: values with bigint, Date, Map, Set, bytes and undefined; a FlowException with its protocol, type,
 * details and peer (the family's `is()` holds); FlowKilledError, UnexpectedFlowEndError and
 * NonDeterminismError as their classes; any other error as RecordedError with its name and message. The
 * stored column is versioned JSON text.
 */
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type Flow, FlowKilledError, FlowStartError, type Node, NonDeterminismError, RecordedError, flow } from '../../runtime/engine/index.js'
import { ColloquyError } from '../../runtime/protocol/errors/colloquy-error.js'
import { FlowException, InvalidPayloadError, type ProtocolState, UnexpectedFlowEndError } from '../../runtime/protocol/session/index.js'
import { FlowFailedError } from '../../runtime/engine/flow-failed-error.js'
import { keptOutcome, keptOutcomeText } from '../../runtime/engine/kept-outcome.js'
import { Cluster, turns } from './support/cluster.js'
import { RoundsFamily } from './support/rounds-flows.js'
import { failOnReplayDeviation } from './support/hospital.js'

type S = ProtocolState

let cluster: Cluster
afterEach(async () => cluster?.stopAll())

const richValue = () => ({
  total: 12345678901234567890n,
  at: new Date(Date.UTC(2026, 10, 30, 6, 0, 0)),
  lots: new Map<string, bigint>([['lot-7', 7n]]),
  tags: new Set(['a', 'b']),
  bytes: new Uint8Array([1, 2, 255]),
  missing: undefined,
  list: [undefined, 1],
  $looksTagged: { $bigint: 'not a tag' },
})

const returnsValue = flow('returns-value', async () => richValue())
const returnsNothing = flow('returns-nothing', async (): Promise<undefined> => undefined)

const raisesDeclared = flow('raises-declared', async () => {
  throw RoundsFamily.errors.Refused!.create({ why: 'too small' }, 'Alice refuses to go on')
})

/** Sends one number; Bob's responder decides how the session ends. */
const asksBob = flow('asks-bob', async (ctx, n: number) =>
  RoundsFamily.initiate(ctx, 'Bob', {
    v1: async (s: S) => {
      const { payload } = await (await s.send(n)).receive()
      return payload.unwrap((v) => v)
    },
  }),
)

const bobResponder = RoundsFamily.responder({
  v1: async (s: S) => {
    const { payload } = await s.receive()
    const n = payload.unwrap((v) => v as number)
    if (n === 1) throw RoundsFamily.errors.Refused!.create({ why: `Bob refuses ${n}` }, `Bob refuses ${n}`)
    throw new Error('Bob fails with an undeclared error')
  },
})

const sleepsLong = flow('sleeps-long', async (ctx) => {
  await ctx.sleep(3_600_000)
  return 'woke'
})

const returnsCycle = flow('returns-cycle', async () => {
  const node: { name: string; self?: unknown } = { name: 'loop' }
  node.self = node
  return node
})

const raisesCyclicDetails = flow('raises-cyclic-details', async () => {
  const details: { why: string; again?: unknown } = { why: 'loops' }
  details.again = details
  throw RoundsFamily.errors.Refused!.create(details, 'Alice refuses in circles')
})

const throwsTypeError = flow('throws-type-error', async () => {
  throw new TypeError('the input is not a number')
})

/** Journals step 'before', then sleeps; `changedStep` is the same flow whose code now calls another step first. */
const driftsBefore = flow('drifts', async (ctx) => {
  await ctx.step('before', () => 1)
  await ctx.sleep(3_600_000)
  return 'done'
})
const driftsAfter = flow('drifts', async (ctx) => {
  await ctx.step('after', () => 2)
  return 'done'
})

const flows = [returnsValue, returnsNothing, returnsCycle, raisesCyclicDetails, raisesDeclared, asksBob, sleepsLong, throwsTypeError, driftsBefore]

async function start(): Promise<Node> {
  cluster = new Cluster()
  await cluster.add('Bob', { responders: [bobResponder] })
  return cluster.add('Alice', { flows, keepFinishedFlows: true })
}

/** Stops Alice and opens her store again: what resultOf answers now comes from the kept outcome. */
async function reopen(alice: Node, replacing: readonly Flow[] = []): Promise<Node> {
  await alice.stop()
  const names = new Set(replacing.map((f) => f.name))
  return cluster.add('Alice', { flows: [...flows.filter((f) => !names.has(f.name)), ...replacing], keepFinishedFlows: true, hospital: failOnReplayDeviation })
}

async function failureOf(node: Node, flowId: string): Promise<unknown> {
  return node.resultOf(flowId).then(
    (value) => {
      throw new Error(`expected flow ${flowId} to have failed, it returned ${String(value)}`)
    },
    (error: unknown) => error,
  )
}

function storedOutcome(flowId: string): { type: string; json: Record<string, unknown> } {
  const db = new Database(join(cluster.dir, 'Alice.db'), { readonly: true })
  try {
    const row = db.prepare('SELECT typeof(outcome) AS type, outcome FROM flows WHERE id = ?').get(flowId) as { type: string; outcome: unknown }
    return { type: row.type, json: row.type === 'text' ? JSON.parse(row.outcome as string) : {} }
  } finally {
    db.close()
  }
}

describe('kept outcomes read back after a restart', () => {
  it('a value keeps its bigint, Date, Map, Set, bytes and undefined, and is stored as versioned JSON text', async () => {
    let alice = await start()
    const handle = alice.startFlow(returnsValue, undefined)
    await handle.result
    alice = await reopen(alice)
    const value = (await alice.resultOf(handle.flowId)) as ReturnType<typeof richValue>
    expect(value).toEqual(richValue())
    expect(value.at).toBeInstanceOf(Date)
    expect(value.lots.get('lot-7')).toBe(7n)
    expect(value.bytes).toBeInstanceOf(Uint8Array)
    // undefined survives in arrays (as a tag) and as a field's value (the field is left out, as in JSON).
    expect(value.list).toHaveLength(2)
    expect(0 in value.list).toBe(true)
    await alice.stop()
    const stored = storedOutcome(handle.flowId)
    expect(stored.type).toBe('text')
    expect(stored.json).toMatchObject({ v: 1, ok: true, value: { total: { $bigint: '12345678901234567890' } } })
  })

  it('a flow that returned nothing has a kept outcome of undefined', async () => {
    let alice = await start()
    const handle = alice.startFlow(returnsNothing, undefined)
    await handle.result
    alice = await reopen(alice)
    expect(await alice.flowStatus(handle.flowId)).toMatchObject({ status: 'done' })
    await expect(alice.resultOf(handle.flowId)).resolves.toBeUndefined()
  })

  it("a FlowException the flow raised comes back with its protocol, type and details: the family's is() holds", async () => {
    let alice = await start()
    const handle = alice.startFlow(raisesDeclared, undefined)
    await expect(handle.result).rejects.toBeInstanceOf(FlowException)
    alice = await reopen(alice)
    const error = await failureOf(alice, handle.flowId)
    expect(error).toBeInstanceOf(FlowException)
    expect(RoundsFamily.errors.Refused!.is(error)).toBe(true)
    expect(error).toMatchObject({ protocol: 'Rounds', errorType: 'Refused', details: { why: 'too small' }, message: 'Alice refuses to go on', peer: undefined })
    await alice.stop()
    expect(storedOutcome(handle.flowId).json).toEqual({
      v: 1,
      ok: false,
      error: {
        code: 'FLOW_EXCEPTION',
        name: 'FlowException',
        message: 'Alice refuses to go on',
        protocol: 'Rounds',
        errorType: 'Refused',
        details: { why: 'too small' },
      },
    })
  })

  it('a FlowException received from the counterparty comes back with its details and the peer that raised it', async () => {
    let alice = await start()
    const handle = alice.startFlow(asksBob, 1)
    await expect(handle.result).rejects.toBeInstanceOf(FlowException)
    alice = await reopen(alice)
    const error = await failureOf(alice, handle.flowId)
    expect(RoundsFamily.errors.Refused!.is(error)).toBe(true)
    expect(error).toMatchObject({ errorType: 'Refused', details: { why: 'Bob refuses 1' }, message: 'Bob refuses 1', peer: 'Bob' })
  })

  it('UnexpectedFlowEndError comes back as its class', async () => {
    let alice = await start()
    const handle = alice.startFlow(asksBob, 2)
    const live = await handle.result.catch((e: unknown) => e)
    expect(live).toBeInstanceOf(UnexpectedFlowEndError)
    alice = await reopen(alice)
    const error = await failureOf(alice, handle.flowId)
    expect(error).toBeInstanceOf(UnexpectedFlowEndError)
    expect(error).toMatchObject({ code: 'UNEXPECTED_FLOW_END', message: (live as Error).message })
  })

  it('FlowKilledError comes back as its class', async () => {
    let alice = await start()
    const handle = alice.startFlow(sleepsLong, undefined)
    await handle.started
    await turns()
    await expect(alice.killFlow(handle.flowId)).resolves.toBe(true)
    alice = await reopen(alice)
    const error = await failureOf(alice, handle.flowId)
    expect(error).toBeInstanceOf(FlowKilledError)
    expect(error).toBeInstanceOf(ColloquyError)
    expect(error).toMatchObject({ code: 'FLOW_KILLED', message: `The flow ${handle.flowId} ('sleeps-long') was killed on Alice.` })
    await alice.stop()
    expect(storedOutcome(handle.flowId).json).toMatchObject({ v: 1, ok: false, error: { code: 'FLOW_KILLED', name: 'FlowKilledError' } })
  })

  it('NonDeterminismError comes back as its class', async () => {
    let alice = await start()
    const handle = alice.startFlow(driftsBefore, undefined)
    await handle.started
    await turns()
    // The flow's code changed while it slept: its replay fails.
    alice = await reopen(alice, [driftsAfter])
    const live = await failureOf(alice, handle.flowId)
    expect(live).toBeInstanceOf(NonDeterminismError)
    alice = await reopen(alice, [driftsAfter])
    const error = await failureOf(alice, handle.flowId)
    expect(error).toBeInstanceOf(NonDeterminismError)
    expect(error).toMatchObject({ code: 'NON_DETERMINISM', message: (live as Error).message })
  })

  it('any other error comes back as RecordedError with its name and message', async () => {
    let alice = await start()
    const handle = alice.startFlow(throwsTypeError, undefined)
    await expect(handle.result).rejects.toBeInstanceOf(TypeError)
    alice = await reopen(alice)
    const error = await failureOf(alice, handle.flowId)
    expect(error).toBeInstanceOf(RecordedError)
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ code: 'RECORDED_ERROR', name: 'TypeError', message: 'the input is not a number' })
    await alice.stop()
    expect(storedOutcome(handle.flowId).json).toEqual({ v: 1, ok: false, error: { name: 'TypeError', message: 'the input is not a number' } })
  })

  it('a result with a cycle fails the flow where it is returned, and that refusal is what is kept', async () => {
    let alice = await start()
    const handle = alice.startFlow(returnsCycle, undefined)
    const live = await handle.result.catch((e: unknown) => e)
    expect(live).toBeInstanceOf(InvalidPayloadError)
    expect((live as Error).message).toMatch(/cycle/)
    alice = await reopen(alice)
    expect(await alice.flowStatus(handle.flowId)).toMatchObject({ status: 'failed' })
    const error = await failureOf(alice, handle.flowId)
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect((error as Error).message).toBe((live as Error).message)
  })

  it('declared-error details with a cycle are refused at create(), and that refusal is what is kept', async () => {
    let alice = await start()
    const handle = alice.startFlow(raisesCyclicDetails, undefined)
    const live = await handle.result.catch((e: unknown) => e)
    expect(live).toBeInstanceOf(InvalidPayloadError)
    expect((live as Error).message).toMatch(/Refused/)
    alice = await reopen(alice)
    const error = await failureOf(alice, handle.flowId)
    expect(error).toBeInstanceOf(InvalidPayloadError)
    expect((error as Error).message).toBe((live as Error).message)
  })

  it('a result that slipped past the checks and JSON cannot hold is kept as a failure saying so', () => {
    const loop: { self?: unknown } = {}
    loop.self = loop
    const kept = keptOutcomeText({ ok: true, value: loop })
    expect(kept.failed).toBe(true)
    const back = keptOutcome(kept.text, 'f-1', 'memory')
    expect(back.ok).toBe(false)
    const error = (back as { error: unknown }).error
    expect(error).toBeInstanceOf(FlowFailedError)
    expect((error as Error).message).toBe(
      "The flow's result could not be kept (Converting circular structure to JSON); use plain data (no cycles) in flows whose outcome is kept.",
    )
  })

  it('an outcome in a format this runtime does not know is reported, not guessed at', async () => {
    let alice = await start()
    const handle = alice.startFlow(returnsValue, undefined)
    await handle.result
    await alice.stop()
    const db = new Database(join(cluster.dir, 'Alice.db'))
    db.prepare('UPDATE flows SET outcome = ? WHERE id = ?').run('{"v":2,"ok":true,"value":1}', handle.flowId)
    db.close()
    alice = await reopen(alice)
    const error = await failureOf(alice, handle.flowId)
    expect(error).toMatchObject({ code: 'STORE_INCONSISTENT' })
    expect((error as Error).message).toContain('format version 2, newer than this runtime')
    await expect(alice.resultOf('no-such-flow')).rejects.toBeInstanceOf(FlowStartError)
  })
})
