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
