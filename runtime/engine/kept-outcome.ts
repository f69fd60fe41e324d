/**
 * A flow's outcome as kept in the store (keepFinishedFlows) and as it comes back: the store keeps data
 * (runtime/store/stored-outcome.ts), this module turns errors into that data and back into the same
 * classes, so a kept outcome read after a restart is what the flow ended with. A FlowException comes back
 * with its protocol, declared type, details and peer (the protocol family's `X.errors.Foo.is(e)` holds),
 * a Colloquy error by its stable code, and any other error as a RecordedError with its name and message.
 */
import { isColloquyError } from '../protocol/errors/colloquy-error.js'
import { InternalError } from '../protocol/errors/internal-error.js'
import { InvalidOptionError } from '../protocol/errors/invalid-option-error.js'
import { UsageError } from '../protocol/errors/usage-error.js'
import {
  FlowException,
  InvalidPayloadError,
  ProtocolUsageError,
  ProtocolViolationError,
  StaleGeneratedCodeError,
  StaleStateError,
  UnexpectedFlowEndError,
} from '../protocol/session/session-errors.js'
import { StoreSchemaNewerError, StoreSchemaUnknownError } from '../store/store-errors.js'
import { type StoredError, readStoredOutcome, writeStoredOutcome } from '../store/stored-outcome.js'
import {
  EngineInvariantError,
  FlowElsewhereError,
  FlowKilledError,
  FlowParkedError,
  FlowStartError,
  NodeDrainingError,
  NodeStoppedError,
  NonDeterminismError,
  ReplayedStepError,
  StoreInconsistentError,
} from './engine-errors.js'
import { FlowFailedError } from './flow-failed-error.js'
import { FlowNotFoundError, InvalidSignalError, UnknownFlowError } from './operation-errors.js'
import { FlowRunningError, RecordedError } from './outcome-errors.js'

export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown }

type Rebuild = (stored: StoredError) => Error

const byMessage =
  (make: new (message: string) => Error): Rebuild =>
  (stored) =>
    new make(stored.message)

/** The Colloquy errors a kept outcome comes back as, by code; any other code becomes a RecordedError. */
const rebuilders: Readonly<Record<string, Rebuild>> = {
  FLOW_EXCEPTION: (stored) => {
    const error = new FlowException(stored.protocol ?? '', stored.errorType ?? '', stored.details, stored.message)
    if (stored.peer !== undefined) error.peer = stored.peer
    return error
  },
  STEP_FAILED: (stored) => new ReplayedStepError(stored.name, stored.message),
  RECORDED_ERROR: (stored) => new RecordedError(stored.name, stored.message),
  FLOW_FAILED: byMessage(FlowFailedError),
  FLOW_KILLED: byMessage(FlowKilledError),
  UNEXPECTED_FLOW_END: byMessage(UnexpectedFlowEndError),
  NON_DETERMINISM: byMessage(NonDeterminismError),
  FLOW_START: byMessage(FlowStartError),
  FLOW_PARKED: byMessage(FlowParkedError),
  FLOW_ELSEWHERE: byMessage(FlowElsewhereError),
  FLOW_RUNNING: byMessage(FlowRunningError),
  NODE_DRAINING: byMessage(NodeDrainingError),
  NODE_STOPPED: byMessage(NodeStoppedError),
  STORE_INCONSISTENT: byMessage(StoreInconsistentError),
  ENGINE_INVARIANT: byMessage(EngineInvariantError),
  PROTOCOL_VIOLATION: byMessage(ProtocolViolationError),
  STALE_STATE: byMessage(StaleStateError),
  INVALID_PAYLOAD: byMessage(InvalidPayloadError),
  PROTOCOL_USAGE: byMessage(ProtocolUsageError),
  STALE_GENERATED_CODE: byMessage(StaleGeneratedCodeError),
  STORE_SCHEMA_NEWER: byMessage(StoreSchemaNewerError),
  STORE_SCHEMA_UNKNOWN: byMessage(StoreSchemaUnknownError),
  INTERNAL: byMessage(InternalError),
  USAGE: byMessage(UsageError),
  INVALID_OPTION: byMessage(InvalidOptionError),
  // Errors of operating a node, which travel over RPC (wire-error.ts) though no flow ends with them.
  FLOW_NOT_FOUND: byMessage(FlowNotFoundError),
  UNKNOWN_FLOW: byMessage(UnknownFlowError),
  INVALID_SIGNAL: byMessage(InvalidSignalError),
}

/**
 * What to keep for `outcome`: its text, and whether it is a failure. A result (or an error's details) that
 * cannot be written as JSON (a cycle) is kept as a failure saying so; the caller waiting on the live flow
 * still gets the outcome itself.
 */
export function keptOutcomeText(outcome: Outcome): { readonly failed: boolean; readonly text: string } {
  try {
    if (outcome.ok) return { failed: false, text: writeStoredOutcome(outcome) }
    return { failed: true, text: writeStoredOutcome({ ok: false, error: storedError(outcome.error) }) }
  } catch (error) {
    const what = outcome.ok ? "The flow's result" : `The details of the error the flow failed with (${(outcome.error as Error)?.message})`
    const message = `${what} could not be kept (${firstLine(error)}); use plain data (no cycles) in flows whose outcome is kept.`
    return { failed: true, text: writeStoredOutcome({ ok: false, error: { code: 'FLOW_FAILED', name: 'FlowFailedError', message } }) }
  }
}

/** The outcome `text` keeps, errors rebuilt as their classes; text that is no kept outcome throws StoreInconsistentError. */
export function keptOutcome(text: string, flowId: string, location: string): Outcome {
  const stored = readStoredOutcome(
    text,
    (reason) =>
      new StoreInconsistentError(
        `The kept outcome of flow ${flowId} in ${location} cannot be read: ${reason}. Open the store with the Colloquy version that wrote it, or remove the outcome (node.removeOutcome).`,
      ),
  )
  return stored.ok ? stored : { ok: false, error: rebuiltError(stored.error) }
}

/** The fields that describe `error` (also what the RPC layer sends for it). */
export function storedError(error: unknown): StoredError {
  if (error instanceof FlowException) {
    const { code, name, message, protocol, errorType, details, peer } = error
    return { code, name, message, protocol, errorType, details, ...(peer === undefined ? {} : { peer }) }
  }
  if (error instanceof RecordedError && error.originalCode !== undefined) {
    return { code: error.originalCode, name: error.name, message: error.message }
  }
  if (isColloquyError(error)) return { code: error.code, name: error.name, message: error.message }
  if (error instanceof Error) return { name: error.name, message: error.message }
  return { name: 'Error', message: String(error) }
}

/** The error `stored` describes, as its class (also how an RPC client rebuilds errors). */
export function rebuiltError(stored: StoredError): Error {
  if (stored.code === undefined) return new RecordedError(stored.name, stored.message)
  const rebuild = rebuilders[stored.code]
  return rebuild ? rebuild(stored) : new RecordedError(stored.name, stored.message, stored.code)
}

/** JSON.stringify explains a cycle over several lines; the first says what it is. */
function firstLine(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).split('\n')[0]!
}
