/**
 * Migration step from schema 2 to 3: kept outcomes (`flows.outcome`) were V8 serializer bytes that only
 * Node could read, with an error kept as its name and message (a FlowException also its type and details).
 * They become the versioned JSON text of store/stored-outcome.ts. An error of a class the runtime of
 * schema 2 could raise gets that class's stable code back, found by its name (those names were fixed);
 * a FlowException's protocol was not kept, so `X.errors.Foo.is(e)` cannot hold for it.
 */
import { deserialize } from 'node:v8'
import type Database from 'better-sqlite3'
import { type StoredError, writeStoredOutcome } from '../stored-outcome.js'

/** The errors the schema 2 runtime raised, by the name it kept, with their codes. */
const codeByName: Readonly<Record<string, string>> = {
  FlowException: 'FLOW_EXCEPTION',
  FlowKilledError: 'FLOW_KILLED',
  UnexpectedFlowEndError: 'UNEXPECTED_FLOW_END',
  NonDeterminismError: 'NON_DETERMINISM',
  FlowStartError: 'FLOW_START',
  NodeDrainingError: 'NODE_DRAINING',
  FlowParkedError: 'FLOW_PARKED',
  NodeStoppedError: 'NODE_STOPPED',
  StoreInconsistentError: 'STORE_INCONSISTENT',
  EngineInvariantError: 'ENGINE_INVARIANT',
  ProtocolViolationError: 'PROTOCOL_VIOLATION',
  StaleStateError: 'STALE_STATE',
  InvalidPayloadError: 'INVALID_PAYLOAD',
  ProtocolUsageError: 'PROTOCOL_USAGE',
  StaleGeneratedCodeError: 'STALE_GENERATED_CODE',
}

interface LegacyOutcome {
  readonly ok: boolean
  readonly value?: unknown
  readonly error?: { readonly name?: unknown; readonly message?: unknown; readonly errorType?: unknown; readonly details?: unknown }
}

export function outcomesToJson(db: Database.Database): void {
  const rows = db.prepare(`SELECT id, outcome FROM flows WHERE outcome IS NOT NULL AND typeof(outcome) = 'blob'`).all() as { id: string; outcome: Buffer }[]
  const update = db.prepare(`UPDATE flows SET outcome = ? WHERE id = ?`)
  const failed = db.prepare(`UPDATE flows SET outcome = ?, status = 'failed' WHERE id = ?`)
  for (const row of rows) {
    const legacy = deserialize(row.outcome) as LegacyOutcome
    if (!legacy.ok) {
      update.run(writeStoredOutcome({ ok: false, error: errorOf(legacy.error ?? {}) }), row.id)
      continue
    }
    try {
      update.run(writeStoredOutcome({ ok: true, value: legacy.value }), row.id)
    } catch (error) {
      // V8 kept cycles; JSON cannot. The row says so instead of failing the upgrade.
      const message = `The flow's kept result could not be converted to JSON when its store was upgraded (${(error as Error).message.split('\n')[0]}).`
      failed.run(writeStoredOutcome({ ok: false, error: { code: 'FLOW_FAILED', name: 'FlowFailedError', message } }), row.id)
    }
  }
}

function errorOf(legacy: NonNullable<LegacyOutcome['error']>): StoredError {
  const name = typeof legacy.name === 'string' ? legacy.name : 'Error'
  const message = typeof legacy.message === 'string' ? legacy.message : String(legacy.message)
  if (typeof legacy.errorType === 'string') return { code: 'FLOW_EXCEPTION', name, message, errorType: legacy.errorType, details: legacy.details }
  const code = Object.hasOwn(codeByName, name) ? codeByName[name] : undefined
  return code === undefined ? { name, message } : { code, name, message }
}
