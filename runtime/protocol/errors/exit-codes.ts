/**
 * What each error code means to a shell: the exit code of both command lines (`colloquy generate | check |
 * lock | versions` and `colloquy node | identity | flows`), looked up by `code`, never by class name. One
 * table, so an error has the same exit code wherever it surfaces; the README's error table shows the same
 * numbers and a test keeps the two in step. Codes of the engine and the store are listed by name only:
 * this module imports nothing, so both command lines can load it without loading the other's code.
 */
import { isColloquyError } from './colloquy-error.js'

/**
 * Exit codes by outcome. 1 means "stale" to `check` and "refused to start or failed" to `node`; 6 is a node's
 * store that cannot be trusted (damaged, or behind what it had committed): restore it from a backup.
 */
export const exitCodes = { ok: 0, stale: 1, failed: 1, usage: 2, invalidProtocol: 3, internal: 4, incompatible: 5, storeDamaged: 6 } as const

const { failed, usage, invalidProtocol, internal, storeDamaged } = exitCodes

export const exitCodeByErrorCode: Readonly<Record<string, number>> = Object.freeze({
  // The command line, or a setup the operator must fix before anything runs.
  USAGE: usage,
  INVALID_OPTION: usage,
  GENERATOR_REVISION: usage,
  GENERATOR_UNKNOWN_PROTOCOL: usage,
  NODE_CONFIG: usage,
  NODE_APP: usage,
  INVALID_FLOW_ARGS: usage,
  IDENTITY: usage,
  KEY_FILE_PERMISSIONS: usage,
  KEY_FILE_MISSING: usage,
  NETWORK_MAP: usage,
  RPC_AUTHENTICATION: usage,
  RPC_PERMISSION: usage,
  RPC_REQUEST: usage,
  // A protocol (or the lockfile) is invalid or failed to load.
  PROTOCOL_DEFINITION: invalidProtocol,
  GENERATOR_INVALID_PROTOCOL: invalidProtocol,
  // Colloquy itself, or the machine under it, failed: report it.
  INTERNAL: internal,
  ENGINE_INVARIANT: internal,
  GENERATOR_GIT: internal,
  // A node refused to start or failed while running.
  RETIRED_VERSION_IN_FLIGHT: failed,
  STORE_SCHEMA_NEWER: failed,
  STORE_SCHEMA_UNKNOWN: failed,
  STORE_INCONSISTENT: failed,
  STORE_IN_USE: failed,
  WORKER_FENCED: failed,
  WORKER_LEASE_LOST: failed,
  WORKER_STOPPED: failed,
  STORE_UNAVAILABLE: failed,
  // The node's store cannot be trusted: restore it from a backup.
  STORE_CORRUPT: storeDamaged,
  STORE_ROLLED_BACK: storeDamaged,
  TRANSPORT_LISTEN: failed,
  TRANSPORT_NATS: failed,
  RPC_THROTTLED: failed,
  RPC_CONNECTION: failed,
  RPC_ANSWER_TOO_LARGE: failed,
  NETWORK_ENDPOINT: failed,
  NETWORK_UNSETTLED: failed,
  NON_DETERMINISM: failed,
  FLOW_START: failed,
  FLOW_ELSEWHERE: failed,
  UNKNOWN_PARTY: failed,
  SESSION_WITH_SELF: failed,
  NODE_STOPPED: failed,
  NODE_DRAINING: failed,
  FLOW_KILLED: failed,
  FLOW_FAILED: failed,
  FLOW_PARKED: failed,
  RESPONDER_IDLE: failed,
  INIT_THROTTLED: failed,
  HELD_FRAMES_QUOTA: failed,
  OUTBOX_QUOTA: failed,
  PEER_SILENT: failed,
  RECORDED_ERROR: failed,
  FLOW_RUNNING: failed,
  UNKNOWN_FLOW: failed,
  FLOW_NOT_FOUND: failed,
  INVALID_SIGNAL: failed,
  STEP_FAILED: failed,
  HOSPITALIZE_FLOW: failed,
  STEP_TIMEOUT: failed,
  RECEIVE_TIMEOUT: failed,
  FLOW_EXCEPTION: failed,
  UNEXPECTED_FLOW_END: failed,
  PROTOCOL_VIOLATION: failed,
  STALE_STATE: failed,
  INVALID_PAYLOAD: failed,
  PROTOCOL_USAGE: failed,
  STALE_GENERATED_CODE: failed,
  WIRE_JSON: failed,
  PAYLOAD_NOT_ENCODABLE: failed,
  // The test kit: a handler test or test cluster failed.
  SCRIPT_MISMATCH: failed,
  INVALID_SCRIPT: failed,
  TEST_KIT: failed,
})

/** The exit code for `error`; `fallback` for anything that is not a Colloquy error (or has an unlisted code). */
export function exitCodeOf(error: unknown, fallback: number): number {
  return isColloquyError(error) ? (exitCodeByErrorCode[error.code] ?? fallback) : fallback
}
