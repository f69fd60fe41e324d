/**
 * `colloquy/client`: the typed RPC client of a Colloquy node. Loads no store, no native module and no
 * compiler tooling.
 */
export { connect } from './connect.js'
export type { RpcClient, RpcFlowHandle, TrackedFlowHandle, StartFlowOptions, FlowFeedUpdate, FlowReference } from './rpc-client-api.js'
export type { ConnectOptions, ConnectionState } from './rpc-socket.js'
export type { RpcHospital } from './rpc-hospital.js'
export type { HospitalEntry, HospitalReport, HospitalFilter, HospitalEvent, HeldInit, Admission, PatientState } from '../../engine/index.js'
export type { StateMachineUpdate, WireError } from '../rpc-protocol.js'
export {
  RpcAuthenticationError,
  RpcPermissionError,
  RpcThrottledError,
  RpcRequestError,
  RpcConnectionError,
  RpcAnswerTooLargeError,
} from '../rpc-errors.js'
export type {
  FlowStatusReport,
  FlowMessage,
  FlowMessageHistory,
  FlowSummary,
  FlowListFilter,
  FlowState,
  ProgressUpdate,
  SignalOutcome,
  WaitingFor,
  UnfinishedFlow,
  DeclaredProtocolVersion,
  PeerStatus,
} from '../../engine/index.js'
export { ColloquyError, isColloquyError } from '../../protocol/errors/colloquy-error.js'
export { FlowException, UnexpectedFlowEndError } from '../../protocol/session/session-errors.js'
export { InvalidFlowArgsError, FlowKilledError } from '../../engine/index.js'
