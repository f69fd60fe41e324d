export { PgFlowStore } from './pg-flow-store.js'
export type { PgStoreOptions, CommitRetry } from './pg-store-options.js'
export { PG_SCHEMA_VERSION } from './pg-schema.js'
