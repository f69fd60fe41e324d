/** Row counts of a node's PostgreSQL schema (store and worker tables), read while its worker processes run. */
import pg from 'pg'

const tables = ['journal', 'sessions', 'inbox', 'outbox', 'timers', 'signals', 'flow_owners', 'forwarded'] as const

export type PgRows = Record<(typeof tables)[number] | 'running', number>

export async function pgRows(url: string, schema: string): Promise<PgRows> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const count = async (sql: string) => (await client.query<{ n: number }>(sql)).rows[0]!.n
    const counts = { running: await count(`SELECT count(*)::int AS n FROM "${schema}".flows WHERE status = 'running'`) } as PgRows
    for (const table of tables) counts[table] = await count(`SELECT count(*)::int AS n FROM "${schema}".${table}`)
    return counts
  } finally {
    await client.end()
  }
}

/** Everything that says the node still has work: zero once every flow finished and every message was acknowledged. */
export function pgInFlight(rows: PgRows): number {
  return Object.values(rows).reduce((sum, n) => sum + n, 0)
}

/** The ids and session keys of a node's unacknowledged messages, to name them when a test finds some left. */
export async function pgOutbox(url: string, schema: string): Promise<{ id: string; session_key: string }[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query<{ id: string; session_key: string }>(`SELECT id, session_key FROM "${schema}".outbox ORDER BY seq`)).rows
  } finally {
    await client.end()
  }
}
