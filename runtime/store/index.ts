export type { FlowStore, Commits, CommitFailure, CommitFaultListener, Durability, FlowRetention } from './flow-store.js'
export type {
  AdmissionRow,
  HeldInitRow,
  FlowRow,
  SessionRow,
  JournalRow,
  InboxRow,
  OutboxRow,
  TimerRow,
  TableCounts,
  UnfinishedFlow,
  FlowStatus,
} from './store-rows.js'
export { StoreSchemaNewerError, StoreSchemaUnknownError, StoreInUseError, StoreCorruptError, StoreRolledBackError } from './store-errors.js'
export { SqliteFlowStore, type StoreOptions } from './sqlite/index.js'
export { encode, decode } from './codec.js'
export { STORED_OUTCOME_VERSION, type StoredOutcome, type StoredError } from './stored-outcome.js'
