/**
 * Schema 4 -> 5: what operating a node needs. `flows` gets `client_id`, `owner` (client ids unique per
 * owner, a partial unique index), `progress` (the current progress step path) and `waiting` (what an evicted
 * flow waits for); the `signals` table keeps
 * signals for flows waiting on external events. Columns are added only where missing, so the step is
 * safe on any store of version 4.
 */
import type Database from 'better-sqlite3'

export function addOperabilityColumns(db: Database.Database): void {
  const columns = new Set((db.prepare(`SELECT name FROM pragma_table_info('flows')`).all() as { name: string }[]).map((c) => c.name))
  for (const column of ['client_id', 'owner', 'progress', 'waiting']) if (!columns.has(column)) db.exec(`ALTER TABLE flows ADD COLUMN ${column} TEXT`)
  db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS flows_by_client ON flows (owner, client_id) WHERE client_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS signals (flow_id TEXT NOT NULL, name TEXT NOT NULL, payload BLOB NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (flow_id, name)) WITHOUT ROWID;`)
}
