/**
 * `colloquy flows --config node.json` lists a node's unfinished flows from its store (SQLite file or PostgreSQL schema);
 * `colloquy flows kill <flowId>... --config node.json` ends them as an operator (Corda's killFlow): the
 * node is opened in drain mode (so flows on retired versions do not stop it), each flow is killed, its
 * counterparties are told, and the node stops again. Run it while the node's own process is stopped.
 */
import { existsSync } from 'node:fs'
import { escapeLogText } from '../codec/log-text.js'
import { PgReads } from '../store/postgres/pg-reads.js'
import { SqliteReads } from '../store/sqlite/sqlite-reads.js'
import type { UnfinishedFlow } from '../store/store-rows.js'
import type { NodeConfig } from './node-config.js'
import { readableLines } from './node-events.js'
import { startNodeProcess } from './node-process.js'

export type { UnfinishedFlow } from '../store/store-rows.js'

/** The unfinished flows a store holds, read without taking it over (the node may be running). */
export async function unfinishedFlows(store: NodeConfig['store']): Promise<UnfinishedFlow[]> {
  if (typeof store !== 'string') return PgReads.peek(store.postgres, store.schema, (reads) => reads.unfinishedFlows())
  if (!existsSync(store)) return []
  const reads = SqliteReads.openReadOnly(store)
  try {
    return await reads.unfinishedFlows()
  } finally {
    reads.close()
  }
}

export function formatFlows(flows: readonly UnfinishedFlow[], node: string): string {
  if (flows.length === 0) return `${node} has no unfinished flows.\n`
  const lines = flows.map((f) => {
    const sessions = f.sessions.map((s) => `${s.protocol} ${s.version ? `v${s.version}` : '(handshake pending)'} with ${s.peer}`).join('; ')
    return `  ${f.id}  ${f.name} (${f.kind === 'started' ? 'started here' : 'responder'}, since ${new Date(f.startedAt).toISOString()})${sessions ? `: ${sessions}` : ''}`
  })
  // Ids, names and peers come from the store, where peers and protocol files put them: one line per flow.
  return `${node} has ${flows.length} unfinished ${flows.length === 1 ? 'flow' : 'flows'}:\n${lines.map(escapeLogText).join('\n')}\n`
}

/** Kills `ids`; resolves with the ids that were not found. Waits up to `settleMs` for the peers to take the news. */
export async function killFlows(config: NodeConfig, ids: readonly string[], write: (line: string) => void, settleMs = 10_000): Promise<string[]> {
  const running = await startNodeProcess({ ...config, drain: true, start: [] }, readableLines(write))
  const missing: string[] = []
  try {
    for (const id of ids) {
      if (await running.node.killFlow(id)) write(`killed ${id}; its counterparties see the flow end at their next interaction\n`)
      else missing.push(id)
    }
    const deadline = Date.now() + settleMs
    while (running.node.stats.unacknowledged > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25))
    if (running.node.stats.unacknowledged > 0) {
      write(
        `${running.node.stats.unacknowledged} message(s) telling counterparties were not acknowledged yet; they stay in the outbox and go out when the node runs again\n`,
      )
    }
  } finally {
    await running.stop()
  }
  return missing
}
