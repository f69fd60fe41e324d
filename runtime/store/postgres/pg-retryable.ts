/**
 * Which failed commits the PostgreSQL store tries again (pg-group-commit.ts), as SQLite's `retryable` does
 * for disk full and busy: faults that may clear without a change to the store. A lost or refused connection
 * (a network error, the server restarting or failing over: SQLSTATE class 08, 57P01-57P03), a serialization
 * failure or deadlock (40001, 40P01), a lock or statement timeout (55P03, 57014), a server out of
 * resources (class 53: disk full, out of memory, too many connections) or meeting a system or I/O error
 * (class 58). Never retried: a broken constraint or any other error in the statements (they would fail the
 * same way again), another node holding the store (StoreInUseError on reconnect) and a fence's refusal.
 */
import { isColloquyError } from '../../protocol/errors/colloquy-error.js'
import { lostConnection, refusedByFence } from './pg-writer.js'

export function retryablePg(error: unknown): boolean {
  if (refusedByFence(error) || isColloquyError(error)) return false
  const code = (error as { code?: unknown })?.code
  if (typeof code === 'string' && /^(40001|40P01|55P03|57014|53|58)/.test(code)) return true
  return lostConnection(error)
}
