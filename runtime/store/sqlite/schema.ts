/**
 * The node's tables. A flow's durable state is its journal (recorded actions), its sessions, the frames
 * received on them (inbox) and the messages it produced that the peer has not acknowledged (outbox).
 * Finished flows delete their rows, so the tables hold in-flight work only.
 */
import { hospitalTablesSql } from './hospital-tables.js'

export const SCHEMA_VERSION = 6

/**
 * Statements that bring a store of the version given as key to the next version; steps that rewrite rows
 * in code are in migrate.ts (2 -> 3 has no statement: kept outcomes become JSON text there; 4 -> 5 adds
 * the client-id, owner, progress and waiting columns and the signals table there, see operability-columns.ts;
 * 5 -> 6 adds the hospital's tables, see hospital-tables.ts).
 */
export const migrations: Readonly<Record<number, string>> = {
  1: 'ALTER TABLE sessions ADD COLUMN hash TEXT',
  // Answered inits were remembered by message id alone; now by '<sender>:<message id>'. Rows kept from
  // before, sender unknown, become ':<message id>' and stand for any sender until the dedup window ends.
  3: `UPDATE processed SET id = ':' || id`,
}

export const schemaSql = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS flows (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,            -- 'started' | 'responder'
  args BLOB,
  status TEXT NOT NULL,          -- 'running' | 'done' | 'failed' (the last two only with retention)
  outcome BLOB,                  -- kept outcome: versioned JSON text (store/stored-outcome.ts), when kept
  started_at INTEGER NOT NULL,
  client_id TEXT,                -- the id a client started the flow with (node.startFlow clientId), unique per owner
  owner TEXT,                    -- who started it: '' in process, else the RPC user; with client_id only
  progress TEXT,                 -- the current progress step path as JSON (labels, root first), when the flow reports progress
  waiting TEXT                   -- what the flow waited for when it was last evicted from memory (JSON), for status questions
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS flows_by_client ON flows (owner, client_id) WHERE client_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS journal (
  flow_id TEXT NOT NULL,
  key TEXT NOT NULL,             -- '<scope>#<index>': scopes are the flow, each sub-flow and each session
  entry BLOB NOT NULL,
  PRIMARY KEY (flow_id, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (
  key TEXT PRIMARY KEY,          -- 'i:<session id>' on the initiator, 'r:<initiator>:<session id>' on the responder
  flow_id TEXT NOT NULL,
  peer TEXT NOT NULL,
  protocol TEXT NOT NULL,
  version INTEGER,
  status TEXT NOT NULL,          -- 'opening' | 'held' | 'open' | 'rejected' ('held': opening, the responder's hospital keeps the init; reason says why)
  reason TEXT,
  hash TEXT                      -- definition hash of the negotiated version as this side runs it
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sessions_by_flow ON sessions (flow_id);
CREATE TABLE IF NOT EXISTS inbox (
  session_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  flow_id TEXT NOT NULL,
  event BLOB NOT NULL,
  PRIMARY KEY (session_key, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS inbox_by_flow ON inbox (flow_id);
CREATE TABLE IF NOT EXISTS outbox (
  id TEXT PRIMARY KEY,
  session_key TEXT NOT NULL,
  envelope BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS processed (
  id TEXT PRIMARY KEY,           -- '<sender>:<message id>' of session inits already answered, kept for the dedup window
                                 -- (':<message id>': answered before senders were recorded, schema 3 and earlier)
  at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS timers (
  flow_id TEXT NOT NULL,
  key TEXT NOT NULL,
  due INTEGER NOT NULL,
  PRIMARY KEY (flow_id, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS signals (
  flow_id TEXT NOT NULL,
  name TEXT NOT NULL,            -- the event a flow waits for (ctx.waitFor); one signal per name and flow
  payload BLOB NOT NULL,         -- encoded payload (store/codec.ts)
  at INTEGER NOT NULL,
  PRIMARY KEY (flow_id, name)
) WITHOUT ROWID;
${hospitalTablesSql}`
