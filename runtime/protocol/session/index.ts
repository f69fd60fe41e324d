export type {
  SessionChannel,
  SessionFrame,
  SessionOpener,
  SessionRequest,
  VersionOffer,
  ReceiveExpectation,
  WaitForResult,
  WaitForOptions,
  StepOptions,
} from './channel.js'
export { UNSTARTED, DONE, type FlowProgress, type ProgressStepSpec, type ProgressSteps } from './flow-progress.js'
export type { FlowContext, FlowLogger, FlowDefinition } from './flow-context.js'
export { Untrustworthy } from './untrustworthy.js'
export {
  FlowException,
  UnexpectedFlowEndError,
  ProtocolViolationError,
  StaleStateError,
  InvalidPayloadError,
  ProtocolUsageError,
  StaleGeneratedCodeError,
} from './session-errors.js'
export { ProtocolState, Completion, type VersionSpec, type RoleRun } from './protocol-state.js'
export {
  protocolFamily,
  type ProtocolFamily,
  type ProtocolFamilySpec,
  type ResponderRegistration,
  type DeclaredError,
  type DeclaredErrorWithInput,
  type VersionErrors,
} from './protocol-family.js'
export type { Received, Inlined, MessageTag, messageTag, HandlerResult, OnlyVersions, PayloadAt, SessionMark } from './generated-types.js'
