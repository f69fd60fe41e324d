/**
 * Errors across the RPC connection: the server sends an error's fields, the client rebuilds the same class
 * with the same code, message, and for a declared FlowException its protocol, type, details and peer (the
 * mapping kept outcomes use, runtime/engine/kept-outcome.ts), plus the fields of the RPC errors and of
 * InvalidFlowArgsError. An error of no Colloquy class comes back as RecordedError with its name and message.
 */
import { rebuiltError, storedError } from '../engine/kept-outcome.js'
import { type FlowArgsIssue, InvalidFlowArgsError } from '../engine/index.js'
import { RpcAnswerTooLargeError, RpcAuthenticationError, RpcConnectionError, RpcPermissionError, RpcRequestError, RpcThrottledError } from './rpc-errors.js'
import type { WireError } from './rpc-protocol.js'

export function toWireError(error: unknown): WireError {
  const fields: WireError = { ...storedError(error) }
  if (error instanceof InvalidFlowArgsError) return { ...fields, data: { flow: error.flow, issues: error.issues } }
  if (error instanceof RpcPermissionError) return { ...fields, data: { permission: error.permission } }
  return fields
}

const rpcErrors: Readonly<Record<string, new (message: string) => Error>> = {
  RPC_AUTHENTICATION: RpcAuthenticationError,
  RPC_THROTTLED: RpcThrottledError,
  RPC_REQUEST: RpcRequestError,
  RPC_CONNECTION: RpcConnectionError,
  RPC_ANSWER_TOO_LARGE: RpcAnswerTooLargeError,
}

export function fromWireError(wire: WireError): Error {
  const data = wire.data ?? {}
  if (wire.code === 'INVALID_FLOW_ARGS' && typeof data.flow === 'string' && Array.isArray(data.issues)) {
    return new InvalidFlowArgsError(data.flow, data.issues as FlowArgsIssue[])
  }
  if (wire.code === 'RPC_PERMISSION') return new RpcPermissionError(wire.message, typeof data.permission === 'string' ? data.permission : '')
  const rpc = wire.code === undefined ? undefined : rpcErrors[wire.code]
  if (rpc) return new rpc(wire.message)
  return rebuiltError(wire)
}
