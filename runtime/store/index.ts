export { FlowStore, type StoreOptions, type Durability, type FlowRow, type SessionRow, type InboxRow, type OutboxRow, type TimerRow } from './sqlite-store.js'
export { GroupCommit } from './group-commit.js'
export { encode, decode } from './codec.js'
