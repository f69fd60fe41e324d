/**
 * Values written into the text of a commit's SQL. A batch is sent as one multi-statement query (one round
 * trip for BEGIN, every write and COMMIT), which the simple query protocol allows only without parameters,
 * so values go in as literals: text through pg's `escapeLiteral`, bytes as hex `bytea` (kept byte for byte),
 * numbers as decimal (integers exactly, fractions as JavaScript prints them: `double precision` reads them
 * back equal). The store's sessions run with `standard_conforming_strings = on` (pg-pool.ts).
 */
import { escapeIdentifier, escapeLiteral } from 'pg'

export type SqlValue = string | number | Buffer | null | undefined

export function sqlLiteral(value: SqlValue): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'string') return escapeLiteral(value)
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL'
  return `'\\x${value.toString('hex')}'::bytea`
}

/** `(a, b, c)` of literals, for VALUES lists. */
export function sqlRow(values: readonly SqlValue[]): string {
  return `(${values.map(sqlLiteral).join(', ')})`
}

/** A schema's table name, quoted: `"colloquy".flows`. */
export function qualified(schema: string, table: string): string {
  return `${escapeIdentifier(schema)}.${table}`
}
