export { SqliteFlowStore, type StoreOptions } from './sqlite-flow-store.js'
export { SqliteReads } from './sqlite-reads.js'
export { GroupCommit } from './group-commit.js'
export { SCHEMA_VERSION } from './schema.js'
