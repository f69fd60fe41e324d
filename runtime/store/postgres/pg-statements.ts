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
  }
}

/** The statement recording a writer's last committed batch (pg-writer.ts). */
export function markStatement(schema: string): string {
  return `INSERT INTO ${qualified(schema, 'writers')} (id, batch) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET batch = excluded.batch`
}

/** What finishFlow deletes besides the flow's row (journal unless kept, sessions always, the rest when touched). */
export interface FinishShape {
  readonly journal: boolean
  readonly inbox: boolean
  readonly timers: boolean
  readonly signals: boolean
  /** Keep the rows with status and outcome ($2, $3) instead of deleting them. */
  readonly retain: boolean
}

/** The statement that finishes flows of one shape ($1: their ids), and its kind (one prepared statement per shape). */
export function finishStatement(schema: string, shape: FinishShape): { readonly kind: string; readonly text: string } {
  const t = (table: string) => qualified(schema, table)
  const deletes = [
    shape.journal ? 'journal' : undefined,
    'sessions',
    shape.inbox ? 'inbox' : undefined,
    shape.timers ? 'timers' : undefined,
    shape.signals ? 'signals' : undefined,
  ].filter((table): table is string => table !== undefined)
  const ctes = deletes.map((table) => `d_${table} AS (DELETE FROM ${t(table)} WHERE flow_id = ANY($1::text[]))`).join(', ')
  const last = shape.retain
    ? `UPDATE ${t('flows')} f SET status = v.status, outcome = v.outcome FROM unnest($1::text[], $2::text[], $3::text[]) AS v(id, status, outcome) WHERE f.id = v.id`
    : `DELETE FROM ${t('flows')} WHERE id = ANY($1::text[])`
  return { kind: `finish_${deletes.join('_')}${shape.retain ? '_retain' : ''}`, text: `WITH ${ctes} ${last}` }
}
