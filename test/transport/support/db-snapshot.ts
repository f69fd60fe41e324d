/** Every row of every table of a node's SQLite file, read through a second connection. */
import Database from 'better-sqlite3'

export function snapshot(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]
    const dump: Record<string, unknown[]> = {}
    for (const { name } of tables) {
      const rows = db.prepare(`SELECT * FROM "${name}"`).all()
      dump[name] = rows.map((row) => JSON.stringify(row)).sort()
    }
    return dump
  } finally {
    db.close()
  }
}
