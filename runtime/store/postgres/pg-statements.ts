/**
 * The store's writes as statements over arrays: each kind of write is one named statement taking one array
 * per column (`unnest($1::text[], ...)`), prepared once per connection, so any number of rows of that kind
 * costs one statement (pg-batch-plan.ts groups a batch's writes). Conflict clauses keep SQLite's meaning:
 * INSERT OR REPLACE becomes ON CONFLICT DO UPDATE of every column (an outbox row replaced moves to the end of
 * the order, as a new rowid does), INSERT OR IGNORE becomes ON CONFLICT DO NOTHING. A finished flow's
 * deletes are one statement per shape (data-modifying CTEs on different tables).
 */
import { qualified } from './pg-schema.js'

/**
 * One write: its kind (the statement, and the group it joins), one value per column, and what it touches,
 * so a batch can be grouped without changing its outcome (pg-batch-plan.ts): `scopes` name the rows it may
 * read or change (`journal/<flow id>`), `rowKey` the one row it upserts or deletes within them (none: all of
 * the scope). `committed` runs once its batch committed (the client-id index).
 */
export interface PgWrite {
  readonly kind: string
  readonly text: string
  readonly row: readonly unknown[]
  readonly scopes: readonly string[]
  readonly rowKey?: string
  readonly committed?: () => void
}

export type WriteKind =
  | 'insertFlow'
  | 'setProgress'
  | 'setWaiting'
  | 'putSignal'
  | 'deleteSignal'
  | 'putJournal'
  | 'putSession'
  | 'updateSession'
  | 'putInbox'
  | 'putOutbox'
  | 'deleteOutbox'
  | 'putProcessed'
  | 'putTimer'
  | 'deleteTimer'
  | 'removeOutcome'
  | 'putAdmission'
  | 'pruneAdmissions'
  | 'putHeldInit'
  | 'deleteHeldInit'

/** The columns of a hospital admission, in the order putAdmission's arrays take them. */
export const admissionColumns = [
  'flow_id',
  'flow_name',
  'at',
  'error_class',
  'error_code',
  'error_message',
  'error_stack',
  'staff',
  'diagnosis',
  'decision',
  'retries',
  'point',
] as const

export function writeStatements(schema: string): Record<WriteKind, string> {
  const t = (table: string) => qualified(schema, table)
  return {
    insertFlow:
      `INSERT INTO ${t('flows')} (id, name, kind, args, status, started_at, client_id, owner) ` +
      `SELECT id, name, kind, args, 'running', started_at, client_id, owner FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::float8[], $6::text[], $7::text[]) ` +
      'AS v(id, name, kind, args, started_at, client_id, owner)',
    setProgress: `UPDATE ${t('flows')} f SET progress = v.value FROM unnest($1::text[], $2::text[]) AS v(id, value) WHERE f.id = v.id`,
    setWaiting: `UPDATE ${t('flows')} f SET waiting = v.value FROM unnest($1::text[], $2::text[]) AS v(id, value) WHERE f.id = v.id`,
    putSignal: `INSERT INTO ${t('signals')} (flow_id, name, payload, at) SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::float8[]) ON CONFLICT DO NOTHING`,
    deleteSignal: `DELETE FROM ${t('signals')} s USING unnest($1::text[], $2::text[]) AS v(flow_id, name) WHERE s.flow_id = v.flow_id AND s.name = v.name`,
    putJournal:
      `INSERT INTO ${t('journal')} (flow_id, key, entry) SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[]) ` +
      'ON CONFLICT (flow_id, key) DO UPDATE SET entry = excluded.entry',
    putSession:
      `INSERT INTO ${t('sessions')} (key, flow_id, peer, protocol, version, status, reason, hash) ` +
      'SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[]) ' +
      'ON CONFLICT (key) DO UPDATE SET flow_id = excluded.flow_id, peer = excluded.peer, protocol = excluded.protocol, version = excluded.version, ' +
      'status = excluded.status, reason = excluded.reason, hash = excluded.hash',
    updateSession:
      `UPDATE ${t('sessions')} s SET status = v.status, version = v.version, reason = v.reason, hash = v.hash ` +
      'FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[]) AS v(key, status, version, reason, hash) WHERE s.key = v.key',
    putInbox: `INSERT INTO ${t('inbox')} (session_key, seq, flow_id, event) SELECT * FROM unnest($1::text[], $2::int8[], $3::text[], $4::bytea[]) ON CONFLICT DO NOTHING`,
    putOutbox:
      // Rows in the order given (seq follows it); a replaced row takes a new seq.
      `INSERT INTO ${t('outbox')} (id, session_key, envelope) SELECT id, session_key, envelope ` +
      'FROM unnest($1::text[], $2::text[], $3::bytea[]) WITH ORDINALITY AS v(id, session_key, envelope, n) ORDER BY n ' +
      'ON CONFLICT (id) DO UPDATE SET session_key = excluded.session_key, envelope = excluded.envelope, seq = excluded.seq',
    deleteOutbox: `DELETE FROM ${t('outbox')} WHERE id = ANY($1::text[])`,
    putProcessed: `INSERT INTO ${t('processed')} (id, at) SELECT * FROM unnest($1::text[], $2::float8[]) ON CONFLICT DO NOTHING`,
    putTimer:
      `INSERT INTO ${t('timers')} (flow_id, key, due) SELECT * FROM unnest($1::text[], $2::text[], $3::float8[]) ` +
      'ON CONFLICT (flow_id, key) DO UPDATE SET due = excluded.due',
    deleteTimer: `DELETE FROM ${t('timers')} s USING unnest($1::text[], $2::text[]) AS v(flow_id, key) WHERE s.flow_id = v.flow_id AND s.key = v.key`,
    removeOutcome:
      `WITH kept AS (DELETE FROM ${t('flows')} WHERE id = ANY($1::text[]) AND status <> 'running' RETURNING id) ` +
      `DELETE FROM ${t('journal')} WHERE flow_id IN (SELECT id FROM kept)`,
    putAdmission:
      // In the order given, so ids (the admissions' order) follow the queue.
      `INSERT INTO ${t('hospital')} (flow_id, flow_name, at, error_class, error_code, error_message, error_stack, staff, diagnosis, decision, retries, point) ` +
      'SELECT flow_id, flow_name, at, error_class, error_code, error_message, error_stack, staff, diagnosis, decision, retries, point ' +
      'FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int[], $12::int[]) ' +
      'WITH ORDINALITY AS v(flow_id, flow_name, at, error_class, error_code, error_message, error_stack, staff, diagnosis, decision, retries, point, n) ORDER BY n',
    pruneAdmissions:
      // Keeps each flow's latest `keep` admissions.
      `DELETE FROM ${t('hospital')} WHERE id IN (SELECT r.id FROM (SELECT id, flow_id, row_number() OVER (PARTITION BY flow_id ORDER BY id DESC) AS n ` +
      `FROM ${t('hospital')} WHERE flow_id = ANY($1::text[])) r JOIN unnest($1::text[], $2::int[]) AS v(flow_id, keep) ON r.flow_id = v.flow_id WHERE r.n > v.keep)`,
    putHeldInit:
      `INSERT INTO ${t('held_inits')} (id, sender, protocol, session, envelope, at, reason) ` +
      'SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::float8[], $7::text[]) ON CONFLICT DO NOTHING',
    deleteHeldInit: `DELETE FROM ${t('held_inits')} WHERE id = ANY($1::text[])`,
  }
}

/** The statement recording a writer's last committed batch (pg-writer.ts). */
export function markStatement(schema: string): string {
  return `INSERT INTO ${qualified(schema, 'writers')} (id, batch) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET batch = excluded.batch`
}
