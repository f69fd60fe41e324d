/**
 * SQLite's own words for a file it cannot use ("file is not a database", "database disk image is
 * malformed") name neither the file nor a way out: a store that fails that way is reported as
 * StoreCorruptError with its path, what SQLite found and what to do. A damaged store is never deleted or
 * rebuilt by Colloquy: it holds the flows in flight, which the counterparties expect to resume.
 */
import { StoreCorruptError } from '../store-errors.js'

/** True for SQLite's "not a database" and "malformed" errors (SQLITE_NOTADB, SQLITE_CORRUPT and its extended codes). */
export function isStoreDamage(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_'))
}

/** `error` as StoreCorruptError when it says the store at `path` is damaged; any other error as it is. */
export function asStoreDamage(path: string, error: unknown): unknown {
  if (!isStoreDamage(error)) return error
  const code = (error as { code: string }).code
  return new StoreCorruptError(
    `The store ${path} cannot be opened: ${(error as Error).message} (${code}): it is not a Colloquy store, or it was truncated or overwritten. ` +
      `Restore it from a backup (the database with its -wal file); do not delete it: it holds the flows in flight, which their counterparties ` +
      'expect to resume. Keep a copy of the damaged file to find out what happened.',
    { cause: error },
  )
}
