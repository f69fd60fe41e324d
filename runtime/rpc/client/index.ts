/**
 * `colloquy/client`: the typed RPC client of a Colloquy node. Loads no store, no native module and no
 * compiler tooling.
 */
export { connect } from './connect.js'
export type { RpcClient, RpcFlowHandle, TrackedFlowHandle, StartFlowOptions, FlowFeedUpdate } from './rpc-client.js'
export type { ConnectOptions, ConnectionState } from './rpc-socket.js'
export type { StateMachineUpdate, WireError } from '../rpc-protocol.js'
export { RpcAuthenticationError, RpcPermissionError, RpcThrottledError, RpcRequestError, RpcConnectionError } from '../rpc-errors.js'
export type { FlowStatusReport, FlowSummary, FlowListFilter, FlowState, ProgressUpdate, SignalOutcome, WaitingFor, Flow } from '../../engine/index.js'
