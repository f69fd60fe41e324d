export type { FlowStore, Commits, CommitFailure, CommitFaultListener, Durability, FlowRetention } from './flow-store.js'
export type { FlowRow, SessionRow, JournalRow, InboxRow, OutboxRow, TimerRow, TableCounts, UnfinishedFlow, FlowStatus } from './store-rows.js'
export {
  StoreSchemaNewerError,
  StoreSchemaUnknownError,
  StoreInUseError,
  StoreCorruptError,
  StoreRolledBackError,
  StoreUnavailableError,
} from './store-errors.js'
export { SqliteFlowStore, type StoreOptions } from './sqlite/index.js'
export { PgFlowStore, type PgStoreOptions } from './postgres/index.js'
export { encode, decode } from './codec.js'
export { STORED_OUTCOME_VERSION, type StoredOutcome, type StoredError } from './stored-outcome.js'
