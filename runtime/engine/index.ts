export type {
  Node,
  FlowHandle,
  StartOptions,
  NodeStats,
  DrainReport,
  ParkedFlow,
  FlowState,
  FlowListFilter,
  FlowSummary,
  FlowStatusReport,
  SignalOutcome,
  DeclaredProtocolVersion,
  PeerStatus,
} from './node-api.js'
export type { FlowMessage, FlowMessageHistory } from './message-history.js'
export { type WaitingFor, type WaitPlace, describeWaitingFor } from './waiting-for.js'
export { ProgressTracker, type ProgressTree, type ProgressStepView, type ProgressChange } from './progress-tracker.js'
export { UnknownFlowError, FlowNotFoundError, InvalidSignalError } from './operation-errors.js'
export type { NodeOptions } from './node-options.js'
export type { FlowEndEvent, FlowStartedEvent, FlowEvent, SessionAction, ProgressUpdate } from './flow-events.js'
export type { DeclaredProtocol } from './declared-versions.js'
export type { UnfinishedFlow } from '../store/store-rows.js'
export type { StrandedFlow } from './stranded-flow.js'
export { flow, type Flow, type FlowOptions } from './flow.js'
export { InvalidFlowArgsError, type FlowArgsIssue } from './flow-args.js'
export {
  NonDeterminismError,
  FlowStartError,
  RetiredVersionInFlightError,
  NodeDrainingError,
  FlowKilledError,
  FlowParkedError,
  NodeStoppedError,
  StoreInconsistentError,
  EngineInvariantError,
  ReplayedStepError,
  FlowElsewhereError,
} from './engine-errors.js'
export { type FlowOwnership, type OwnedNode, type MessageRoute, wholeNodeOwnership } from './flow-ownership.js'
export { UnknownPartyError, SessionWithSelfError } from './counterparty-errors.js'
export { FlowFailedError } from './flow-failed-error.js'
export { InitThrottledError, ResponderIdleError, HeldFramesQuotaError, OutboxQuotaError, PeerSilentError } from './quota-errors.js'
export type { PeerQuotas } from './peer-quotas.js'
export { FlowRunningError, RecordedError } from './outcome-errors.js'
export { negotiate, ranges, type HandshakeOutcome } from './handshake.js'
export type { JournalEntry } from './journal-entry.js'
export { type Clock, type ClockTimer, systemClock } from './clock.js'
export { HospitalizeFlowError, StepTimeoutError, ReceiveTimeoutError } from './hospital/hospital-errors.js'
export { terminal } from './hospital/error-marks.js'
export { receiveWithin } from './hospital/receive-timeout.js'
export type { Staff, Patient, Diagnosis, Decision } from './hospital/staff.js'
export type { Backoff } from './hospital/backoff.js'
export { transientError, isTransient, type TransientErrorOptions } from './hospital/staff/transient-error.js'
export { recurringError, type RecurringErrorOptions } from './hospital/staff/recurring-error.js'
export { hospitalizeRequest } from './hospital/staff/hospitalize-request.js'
export { replayFailure, type ReplayFailureOptions } from './hospital/staff/replay-failure.js'
export { unknownResponder } from './hospital/staff/unknown-responder.js'
export type {
  NodeHospital,
  HospitalOptions,
  Admission,
  PatientState,
  HospitalEntry,
  HospitalReport,
  HospitalFilter,
  HeldInit,
  HospitalEvent,
} from './hospital/hospital-api.js'
