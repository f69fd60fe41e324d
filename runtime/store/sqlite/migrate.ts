/** Creates the tables of a new SQLite store, or brings one written by an earlier runtime up to date in one transaction. */
import type Database from 'better-sqlite3'
import { StoreSchemaNewerError, StoreSchemaUnknownError } from '../store-errors.js'
import { addHospitalTables } from './hospital-tables.js'
import { addOperabilityColumns } from './operability-columns.js'
import { outcomesToJson } from './outcomes-to-json.js'
import { SCHEMA_VERSION, migrations, schemaSql } from './schema.js'

/** Steps that rewrite rows in code, by the version they upgrade from; they run after that version's SQL, if any. */
const codeSteps: Readonly<Record<number, (db: Database.Database) => void>> = {
  // 2 -> 3: kept outcomes from V8 serializer bytes to versioned JSON text.
  2: outcomesToJson,
  // 4 -> 5: client ids, owners and progress on flows; the signals table.
  4: addOperabilityColumns,
  // 5 -> 6: the hospital's admission records and held session inits.
  5: addHospitalTables,
}

export function migrate(db: Database.Database, path: string): void {
  const read = () => (db.prepare(`SELECT value FROM meta WHERE key = 'schema'`).get() as { value: string } | undefined)?.value
  const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).get() !== undefined
  const found = hasMeta ? read() : undefined
  if (found === undefined) {
    db.exec(schemaSql)
    if (read() === undefined) db.prepare(`INSERT INTO meta (key, value) VALUES ('schema', ?)`).run(String(SCHEMA_VERSION))
    return
  }
  let version = Number(found)
  if (version > SCHEMA_VERSION) {
    throw new StoreSchemaNewerError(
      `The store ${path} has schema version ${version}, newer than this runtime's ${SCHEMA_VERSION}; open it with the Colloquy version that wrote it, or a later one.`,
    )
  }
  db.transaction(() => {
    for (; version < SCHEMA_VERSION; version++) {
      const step = migrations[version]
      const code = codeSteps[version]
      if (step === undefined && code === undefined)
        throw new StoreSchemaUnknownError(
          `The store ${path} has schema version ${version}, which this runtime cannot upgrade; open it with a matching Colloquy version.`,
        )
      if (step !== undefined) db.exec(step)
      code?.(db)
    }
    db.prepare(`UPDATE meta SET value = ? WHERE key = 'schema'`).run(String(SCHEMA_VERSION))
  })()
}
