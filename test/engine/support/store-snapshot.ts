/** Every row of a node's store, read through a separate read-only connection: to show that nothing changed. */
import Database from 'better-sqlite3'

const tables = ['meta', 'flows', 'journal', 'sessions', 'inbox', 'outbox', 'processed', 'timers']

export function storeSnapshot(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true })
  try {
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]))
  } finally {
    db.close()
  }
}
