/** Errors a flow store raises when it cannot open what it finds. */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

/** The store was written by a newer runtime (its schema version is higher than this one knows). */
export class StoreSchemaNewerError extends ColloquyError {
  override readonly name = 'StoreSchemaNewerError'
  readonly code = 'STORE_SCHEMA_NEWER'
}

/** The store has a schema version this runtime has no upgrade path from. */
export class StoreSchemaUnknownError extends ColloquyError {
  override readonly name = 'StoreSchemaUnknownError'
  readonly code = 'STORE_SCHEMA_UNKNOWN'
}

/** Another node (or another process) has the store open: one store belongs to one node at a time. */
export class StoreInUseError extends ColloquyError {
  override readonly name = 'StoreInUseError'
  readonly code = 'STORE_IN_USE'
}

/** The store file is not a database, or is damaged (truncated, overwritten): restore it from a backup. */
export class StoreCorruptError extends ColloquyError {
  override readonly name = 'StoreCorruptError'
  readonly code = 'STORE_CORRUPT'
}

/** The store holds fewer commits than it had reached (a lost write-ahead log, a replaced or emptied file). */
export class StoreRolledBackError extends ColloquyError {
  override readonly name = 'StoreRolledBackError'
  readonly code = 'STORE_ROLLED_BACK'
}

/** The store's database could not be reached or refused the node (PostgreSQL down, a wrong URL, a refused login). */
export class StoreUnavailableError extends ColloquyError {
  override readonly name = 'StoreUnavailableError'
  readonly code = 'STORE_UNAVAILABLE'
}
