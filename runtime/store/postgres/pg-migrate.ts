/**
 * Creates the store's schema and tables, or brings them up to date, once per database and schema: in one
 * transaction that first takes a transaction-level advisory lock keyed by the schema name, so nodes (or
 * worker processes) opening the same schema at once wait for the first to finish instead of racing to
 * create it. A schema written by a newer runtime is refused (StoreSchemaNewerError), one this runtime has
 * no upgrade path from too (StoreSchemaUnknownError), as SQLite's migrate.ts does.
 */
import type pg from 'pg'
import { escapeIdentifier } from 'pg'
import { StoreSchemaNewerError, StoreSchemaUnknownError } from '../store-errors.js'
import { PG_SCHEMA_VERSION, pgMigrations, pgSchemaSql } from './pg-schema.js'

/** Advisory lock class of the migration lock ('CMIG'); the store's one-writer lock has its own (pg-writer-lock.ts). */
export const MIGRATION_LOCK_CLASS = 0x434d4947

export async function migratePg(client: pg.ClientBase, schema: string, location: string): Promise<void> {
  const s = escapeIdentifier(schema)
  await client.query('BEGIN')
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema])
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`)
    const meta = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [`${s}.meta`])
    const found =
      meta.rows[0]?.found == null ? undefined : (await client.query<{ value: string }>(`SELECT value FROM ${s}.meta WHERE key = 'schema'`)).rows[0]?.value
    if (found === undefined) {
      await client.query(
        `${meta.rows[0]?.found == null ? pgSchemaSql(schema) : ''}INSERT INTO ${s}.meta (key, value) VALUES ('schema', '${PG_SCHEMA_VERSION}')`,
      )
    } else {
      let version = Number(found)
      if (version > PG_SCHEMA_VERSION) {
        throw new StoreSchemaNewerError(
          `The store ${location} has schema version ${version}, newer than this runtime's ${PG_SCHEMA_VERSION}; open it with the Colloquy version that wrote it, or a later one.`,
        )
      }
      for (; version < PG_SCHEMA_VERSION; version++) {
        const step = pgMigrations[version]
        if (step === undefined)
          throw new StoreSchemaUnknownError(
            `The store ${location} has schema version ${version}, which this runtime cannot upgrade; open it with a matching Colloquy version.`,
          )
        await client.query(step(schema))
      }
      await client.query(`UPDATE ${s}.meta SET value = $1 WHERE key = 'schema'`, [String(PG_SCHEMA_VERSION)])
    }
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {}) // the connection is gone: the transaction went with it
    throw error
  }
}
