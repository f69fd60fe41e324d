/**
 * Names the worker tables and notification channels use inside a node's PostgreSQL schema. Identifiers are
 * always quoted; channel names carry a hash of the schema (channels are per database, not per schema, and a
 * channel name is at most 63 bytes), so nodes in other schemas of the same database never hear each other.
 */
import { createHash } from 'node:crypto'

/** `name` as a quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** A short, stable tag of a schema name for channel names. */
function schemaTag(schema: string): string {
  return createHash('sha256').update(schema).digest('hex').slice(0, 16)
}

/** The channel a worker listens on for messages forwarded to it. */
export function workerChannel(schema: string, token: string): string {
  return `cqw_${schemaTag(schema)}_${token}`
}

/** The channel every worker of the node listens on for acknowledgements another worker received. */
export function ackChannel(schema: string): string {
  return `cqa_${schemaTag(schema)}`
}

/** The channel every worker of the node listens on for flows that stopped running (their results may be awaited anywhere). */
export function endedChannel(schema: string): string {
  return `cqe_${schemaTag(schema)}`
}
