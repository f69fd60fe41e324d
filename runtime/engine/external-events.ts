/**
 * Durable external events: `ctx.waitFor(name, schema, { timeoutMs })` in a flow, `node.signal(flowId,
 * name, payload)` outside it. The wait is a journal entry `{ k: 'wait', name, until }` (and a timer row
 * when it has a timeout); its outcome replaces that entry at the same key, so a replay returns what the
 * first run got and a signal is delivered exactly once across restarts. A signal is kept in the `signals`
 * table (one per name and flow): a flow that waits for the name later takes it from there, and a second
 * signal for a name is a duplicate. A signal for a waiting flow is checked against the wait's schema and
 * refused (InvalidSignalError) before anything is kept; one kept before the flow waited and refused by the
 * schema then is dropped with a warning and the flow goes on waiting. The outcome is recorded in the same
 * batch as the signal row, and the flow resumes once that batch committed.
 */
import { z } from 'zod'
import { InvalidOptionError } from '../protocol/errors/invalid-option-error.js'
import type { WaitForOptions, WaitForResult } from '../protocol/session/channel.js'
import { PLAIN_DATA, encodingError } from '../protocol/session/payload-check.js'
import { issueText } from '../protocol/session/payload-text.js'
import { encode } from '../store/codec.js'
import type { FlowStore } from '../store/flow-store.js'
import type { Clock } from './clock.js'
import type { FlowRun } from './flow-run.js'
import type { JournalScope } from './journal-key.js'
import type { LoadedFlows } from './loaded-flows.js'
import type { SignalOutcome } from './node-api.js'
import { FlowNotFoundError, InvalidSignalError } from './operation-errors.js'
import { waitPlace } from './waiting-for.js'

/** A scope of a flow (ScopeContext): numbers the wait's journal key and says which sub-flows it runs in. */
type WaitingScope = Pick<JournalScope, 'nextKey'> & { readonly run: FlowRun; readonly subFlows?: readonly string[] }

export async function waitForEvent(scope: WaitingScope, name: string, schema: z.ZodType, options: WaitForOptions = {}): Promise<WaitForResult<unknown>> {
  const run = scope.run
  if (!run.alive) return run.hang()
  if (typeof name !== 'string' || name === '')
    throw new InvalidOptionError(`ctx.waitFor needs an event name (a non-empty string), but got ${JSON.stringify(name) ?? String(name)}; name the event.`)
  const timeoutMs = options.timeoutMs
  if (timeoutMs !== undefined && !(timeoutMs >= 0))
    throw new InvalidOptionError(
      `ctx.waitFor('${name}') got timeoutMs ${String(timeoutMs)}; give a number of milliseconds, 0 or more, or leave it out to wait without a timeout.`,
    )
  const { key, where } = scope.nextKey()
  const entry = run.recorded(key, { k: 'wait', what: name }, where)
  if (entry?.k === 'wait' && entry.result) {
    if (entry.result.ok) run.external.delivered.add(name)
    return entry.result
  }
  if (run.external.delivered.has(name))
    throw new InvalidOptionError(
      `Flow '${run.name}' (${run.flowId}) waits again for event '${name}', which it was already delivered; each event name is delivered once per flow, so give each wait its own name (e.g. '${name}-2').`,
    )
  const env = run.env
  let until: number | null
  if (entry?.k === 'wait') until = entry.until
  else {
    until = timeoutMs === undefined ? null : env.clock.now() + timeoutMs
    run.record(key, { k: 'wait', name, until })
    if (until !== null) {
      env.store.putTimer(run.flowId, key, until)
      run.touchedTimers = true
      env.timers.add({ due: until, flowId: run.flowId, key })
    }
  }
  let outcome: WaitForResult<unknown> | undefined
  const complete = (result: WaitForResult<unknown>) => {
    if (outcome) return
    outcome = result
    run.external.waits.delete(name)
    run.timerWaiters.delete(key)
    run.record(key, { k: 'wait', name, until, result })
    if (until !== null) run.lastBatch = env.store.deleteTimer(run.flowId, key)
    if (result.ok) run.external.delivered.add(name)
  }
  if (run.external.signals.has(name)) {
    const parsed = schema.safeParse(run.external.signals.get(name))
    if (parsed.success) complete({ ok: true, value: parsed.data })
    else {
      run.log.warn(
        `The signal kept for event '${name}' does not match the schema the flow waits with (${issueText(parsed.error)}); it is dropped and the flow waits for another.`,
      )
      run.external.signals.delete(name)
      run.lastBatch = env.store.deleteSignal(run.flowId, name)
    }
  }
  if (!outcome && until !== null && until <= env.clock.now()) complete({ ok: false, timedOut: true })
  if (!outcome) {
    const payload = payloadSchema(schema)
    const waiting = {
      kind: 'event',
      name,
      ...(until === null ? {} : { timeoutAt: until }),
      ...(payload === undefined ? {} : { schema: payload }),
      ...waitPlace(scope.subFlows),
    } as const
    await run.wait<void>((resolve) => {
      const end = (result: WaitForResult<unknown>) => {
        complete(result)
        resolve()
      }
      run.external.waits.set(name, { schema, complete: end })
      if (until !== null) run.timerWaiters.set(key, () => end({ ok: false, timedOut: true }))
    }, waiting)
  }
  await run.commit()
  return outcome!
}

/** The JSON Schema of an event's payload, for operators' forms; undefined when zod cannot express the schema as one. */
function payloadSchema(schema: z.ZodType): unknown {
  try {
    const { $schema: _, ...payload } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })
    return payload
  } catch {
    return undefined
  }
}

export interface SignalParts {
  readonly node: string
  readonly clock: Clock
  readonly store: Pick<FlowStore, 'putSignal' | 'commits'>
  readonly loaded: LoadedFlows
  /** Loads an evicted flow (recovery.ts); undefined when it is not running here. */
  readonly rehydrate: (flowId: string) => Promise<FlowRun | undefined>
}

/** What a signal must be wherever its flow runs: a named event and a payload the store can keep (else it throws). */
export function checkSignal(flowId: string, name: string, payload: unknown): void {
  if (typeof name !== 'string' || name === '')
    throw new InvalidOptionError(
      `A signal needs an event name (a non-empty string), but got ${JSON.stringify(name) ?? String(name)}; name the event the flow waits for.`,
    )
  const refused = encodingError(
    payload,
    'payload',
    (problem) => `The payload of signal '${name}' for flow ${flowId} cannot be stored: ${problem}. Send ${PLAIN_DATA}.`,
  )
  if (refused) throw refused
}

/** `node.signal`: hands a payload to the flow waiting for `name`, or keeps it until the flow waits. */
export async function signalFlow(parts: SignalParts, flowId: string, name: string, payload: unknown): Promise<SignalOutcome> {
  const { node, store, loaded } = parts
  checkSignal(flowId, name, payload)
  let run = loaded.runs.get(flowId)
  if (!run) {
    run = await parts.rehydrate(flowId)
    await run?.reachedLive
  }
  if (run?.state !== 'running')
    throw new FlowNotFoundError(
      `No running flow ${flowId} on ${node} to signal '${name}' to: it finished, was killed, or never ran here. Check the id with node.listFlows.`,
    )
  if (run.external.signals.has(name) || run.external.delivered.has(name)) return { status: 'duplicate' }
  const wait = run.external.waits.get(name)
  let value: unknown
  if (wait) {
    const parsed = wait.schema.safeParse(payload)
    if (!parsed.success)
      throw new InvalidSignalError(
        `The payload of signal '${name}' for flow ${flowId} on ${node} does not match the schema the flow waits with: ${issueText(parsed.error)}. Nothing was kept; send a payload that matches.`,
      )
    value = parsed.data
  }
  run.external.signals.set(name, payload)
  run.touchedSignals = true
  run.lastBatch = store.putSignal(flowId, name, encode(payload), parts.clock.now())
  wait?.complete({ ok: true, value })
  await store.commits.commit()
  return { status: wait ? 'delivered' : 'pending' }
}
