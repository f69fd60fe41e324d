/**
 * The PostgreSQL store's tables: the SQLite store's (store/sqlite/schema.ts), column for column, in a schema
 * (namespace) of their own, so several nodes and tests share one database. Payload columns are `bytea`
 * (kept byte for byte), kept outcomes `text`, times `double precision` (exact for every integer time and
 * equal for a fractional one), keys and ids `text COLLATE "C"` (byte order, as SQLite sorts). Differences:
 * the outbox keeps its order in a `seq` column (SQLite's rowid), and `writers` holds each writer's last
 * committed batch, so a commit whose outcome was lost with the connection is not run twice (pg-writer.ts).
 */
import { escapeIdentifier } from 'pg'

/** Version of this schema; its own numbering (SQLite's is store/sqlite/schema.ts). */
export const PG_SCHEMA_VERSION = 1

/** Statements that bring a schema of the version given as key to the next version (none yet). */
export const pgMigrations: Readonly<Record<number, (schema: string) => string>> = {}

export function pgSchemaSql(schema: string): string {
  const s = escapeIdentifier(schema)
  return `
CREATE TABLE ${s}.meta (key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
CREATE TABLE ${s}.flows (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL,
  args bytea,
  status text NOT NULL,
  outcome text,
  started_at double precision NOT NULL,
  client_id text COLLATE "C",
  owner text COLLATE "C",
  progress text,
  waiting text
);
CREATE UNIQUE INDEX flows_by_client ON ${s}.flows (owner, client_id) WHERE client_id IS NOT NULL;
CREATE TABLE ${s}.journal (flow_id text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL, entry bytea NOT NULL, PRIMARY KEY (flow_id, key));
CREATE TABLE ${s}.sessions (
  key text COLLATE "C" PRIMARY KEY,
  flow_id text COLLATE "C" NOT NULL,
  peer text NOT NULL,
  protocol text NOT NULL,
  version integer,
  status text NOT NULL,
  reason text,
  hash text
);
CREATE INDEX sessions_by_flow ON ${s}.sessions (flow_id);
CREATE TABLE ${s}.inbox (session_key text COLLATE "C" NOT NULL, seq bigint NOT NULL, flow_id text COLLATE "C" NOT NULL, event bytea NOT NULL, PRIMARY KEY (session_key, seq));
CREATE INDEX inbox_by_flow ON ${s}.inbox (flow_id);
CREATE TABLE ${s}.outbox (id text COLLATE "C" PRIMARY KEY, seq bigserial NOT NULL, session_key text COLLATE "C" NOT NULL, envelope bytea NOT NULL);
CREATE INDEX outbox_by_session ON ${s}.outbox (session_key, seq);
CREATE TABLE ${s}.processed (id text COLLATE "C" PRIMARY KEY, at double precision NOT NULL);
CREATE TABLE ${s}.timers (flow_id text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL, due double precision NOT NULL, PRIMARY KEY (flow_id, key));
CREATE TABLE ${s}.signals (
  flow_id text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  payload bytea NOT NULL,
  at double precision NOT NULL,
  PRIMARY KEY (flow_id, name)
);
CREATE TABLE ${s}.writers (id text COLLATE "C" PRIMARY KEY, batch bigint NOT NULL);
`
}

/** A schema's table name, quoted: `"colloquy".flows`. */
export function qualified(schema: string, table: string): string {
  return `${escapeIdentifier(schema)}.${table}`
}
