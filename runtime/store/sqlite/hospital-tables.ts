/**
 * Schema 5 -> 6: the flow hospital's tables (engine/hospital/). `hospital` holds one row per admission of a
 * flow (error, diagnosis, decision, retries), removed with the flow; `held_inits` keeps session inits whose
 * protocol has no responder on this node, until a node with the responder resumes them or an operator
 * rejects them. Both are created only where missing, so the step is safe on any store of version 5.
 */
import type Database from 'better-sqlite3'

export const hospitalTablesSql = `CREATE TABLE IF NOT EXISTS hospital (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  flow_id TEXT NOT NULL,
  flow_name TEXT NOT NULL,
  at INTEGER NOT NULL,
  error_class TEXT NOT NULL,
  error_code TEXT,
  error_message TEXT NOT NULL,
  error_stack TEXT,              -- for errors raised on this node only
  staff TEXT NOT NULL,           -- the staff member whose diagnosis was taken
  diagnosis TEXT NOT NULL,
  decision TEXT NOT NULL,        -- 'retry' | 'observe' | 'propagate'
  retries INTEGER NOT NULL,      -- retries at the same point before this admission
  point INTEGER NOT NULL         -- journal entries the flow had recorded when it failed
);
CREATE INDEX IF NOT EXISTS hospital_by_flow ON hospital (flow_id);
CREATE TABLE IF NOT EXISTS held_inits (
  id TEXT PRIMARY KEY,           -- '<sender>:<message id>', as in processed
  sender TEXT NOT NULL,
  protocol TEXT NOT NULL,
  session TEXT NOT NULL,
  envelope BLOB NOT NULL,        -- the init envelope (store/codec.ts)
  at INTEGER NOT NULL,
  reason TEXT NOT NULL
) WITHOUT ROWID;
`

export function addHospitalTables(db: Database.Database): void {
  db.exec(hospitalTablesSql)
}
