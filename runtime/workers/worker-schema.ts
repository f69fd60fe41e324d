/**
 * The worker tables in a node's PostgreSQL schema (docs/scale-out.md, section 2), created once per schema
 * under a transaction-level advisory lock, so workers starting together do not race:
 *
 * - sequence `worker_tokens`: fencing tokens, unique and strictly increasing, never reused;
 * - `workers (token, node, pid, host, started_at, lease_until)`: the live workers, lease in database time;
 * - `flow_owners (flow_id, token)`: which worker runs each flow in flight;
 * - `forwarded (id, flow_id, body, at)`: messages handed from the worker that received them to the owner;
 * - `flow_requests (id, flow_id, requester, body, taken_by, answer, at)`: operations (signal, kill, retry) a
 *   worker asked of a flow's owner, and the owner's answer (worker-requests.ts);
 * - `claims (id, token, at)`: keys one worker holds while it answers an init or starts an id (worker-claims.ts).
 *
 * When the store's `flows` table exists, a trigger on it keeps `flow_owners` in step inside the store's own
 * transactions: an inserted running flow belongs to the token the fence set for the transaction
 * (`colloquy.worker_token`, transaction-local), and a flow that stops running or is deleted loses its owner
 * row and its forwarded messages, and is announced on the node's ended channel (results awaited on any
 * worker) and to the workers whose requests for it no one took (they run them themselves). Ownership so
 * commits with the flow row or not at all, and a finished flow leaves nothing behind. Install again after
 * the store created `flows` (`installWorkerSchema` is idempotent; an older trigger function is replaced).
 */
import type pg from 'pg'
import { endedChannel, quoteIdent, workerChannel } from './sql-names.js'

/** Marks the trigger function's current version in its source (an older one is replaced at install). */
const TRIGGER_VERSION = 'colloquy-flow-owner-v2'

function tablesSql(s: string): string {
  return `
CREATE SEQUENCE IF NOT EXISTS ${s}.worker_tokens;
CREATE TABLE IF NOT EXISTS ${s}.workers (
  token bigint PRIMARY KEY,
  node text NOT NULL,
  pid integer NOT NULL,
  host text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  lease_until timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS ${s}.flow_owners (
  flow_id text PRIMARY KEY,
  token bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS flow_owners_by_token ON ${s}.flow_owners (token);
CREATE TABLE IF NOT EXISTS ${s}.forwarded (
  id bigserial PRIMARY KEY,
  flow_id text NOT NULL,
  body bytea NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS forwarded_by_flow ON ${s}.forwarded (flow_id, id);
CREATE TABLE IF NOT EXISTS ${s}.flow_requests (
  id bigserial PRIMARY KEY,
  flow_id text NOT NULL,
  requester bigint NOT NULL,
  body bytea NOT NULL,
  taken_by bigint,
  answer bytea,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX IF NOT EXISTS flow_requests_by_flow ON ${s}.flow_requests (flow_id, id);
CREATE TABLE IF NOT EXISTS ${s}.claims (
  id text PRIMARY KEY,
  token bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp()
);`
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`

function triggerSql(schema: string): string {
  const s = quoteIdent(schema)
  return `
CREATE OR REPLACE FUNCTION ${s}.colloquy_flow_owner() RETURNS trigger LANGUAGE plpgsql AS $body$
-- ${TRIGGER_VERSION}
DECLARE
  worker text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    worker := current_setting('colloquy.worker_token', true);
    IF worker IS NOT NULL AND worker <> '' AND NEW.status = 'running' THEN
      INSERT INTO ${s}.flow_owners (flow_id, token) VALUES (NEW.id, worker::bigint)
        ON CONFLICT (flow_id) DO UPDATE SET token = EXCLUDED.token;
    END IF;
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.status = 'running' THEN
    RETURN NEW;
  END IF;
  DELETE FROM ${s}.flow_owners WHERE flow_id = OLD.id;
  DELETE FROM ${s}.forwarded WHERE flow_id = OLD.id;
  IF OLD.status = 'running' THEN
    PERFORM pg_notify(${literal(endedChannel(schema))}, OLD.id);
    PERFORM pg_notify(${literal(workerChannel(schema, ''))} || r.requester::text, '')
       FROM (SELECT DISTINCT requester FROM ${s}.flow_requests WHERE flow_id = OLD.id AND answer IS NULL) r;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$body$;
CREATE OR REPLACE TRIGGER colloquy_flow_owner AFTER INSERT OR UPDATE OF status OR DELETE ON ${s}.flows
  FOR EACH ROW EXECUTE FUNCTION ${s}.colloquy_flow_owner();`
}

/** Whether the store's `flows` table exists in the schema (the trigger needs it). */
export async function hasFlowsTable(db: pg.ClientBase | pg.Pool, schema: string): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [`${quoteIdent(schema)}.flows`])
  return rows[0]!.found
}

/** Whether the trigger is installed with the current function. */
async function hasOwnerTrigger(client: pg.ClientBase, schema: string): Promise<boolean> {
  const { rows } = await client.query(
    `SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE t.tgname = 'colloquy_flow_owner' AND t.tgrelid = to_regclass($1) AND p.prosrc LIKE $2`,
    [`${quoteIdent(schema)}.flows`, `%${TRIGGER_VERSION}%`],
  )
  return rows.length > 0
}

/**
 * Creates the worker tables (and the ownership trigger when the store's `flows` table exists) if missing.
 * Returns whether the trigger is in place: without it, flows the workers create have no owner rows.
 */
export async function installWorkerSchema(pool: pg.Pool, schema: string): Promise<boolean> {
  const s = quoteIdent(schema)
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`colloquy-workers:${schema}`])
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`)
    await client.query(tablesSql(s))
    const flows = await hasFlowsTable(client, schema)
    if (flows && !(await hasOwnerTrigger(client, schema))) await client.query(triggerSql(schema))
    await client.query('COMMIT')
    return flows
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}
