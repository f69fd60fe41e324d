/**
 * The (owner, client id) index a PostgreSQL store answers `clientFlow` from on the caller's turn
 * (flow-store.ts): loaded from `flows` at open, then kept current by the store's own commits, each change
 * applied once the batch that wrote it committed, so the index shows committed state as SQLite's look-up
 * does. Sound because the store has one writer, the node. Worker processes that share a node's store
 * (`exclusive: false`) each see the flows they started plus those present at their open.
 */
import type { ClientIdentity } from '../flow-store.js'
import type { FlowRow } from '../store-rows.js'

const keyOf = (owner: string, clientId: string) => `${owner.length}:${owner}${clientId}`

export class ClientIndex {
  private readonly byClient = new Map<string, FlowRow>()
  private readonly keyOfFlow = new Map<string, string>()

  constructor(rows: readonly FlowRow[]) {
    for (const row of rows) this.put(row)
  }

  get(client: ClientIdentity): FlowRow | null {
    return this.byClient.get(keyOf(client.owner, client.clientId)) ?? null
  }

  /** A flow with a client id was inserted (committed). */
  put(row: FlowRow): void {
    if (row.client_id == null) return
    const key = keyOf(row.owner ?? '', row.client_id)
    this.byClient.set(key, row)
    this.keyOfFlow.set(row.id, key)
  }

  /** The flow finished: kept with `status`, or gone (null). */
  finished(flowId: string, status: 'done' | 'failed' | null): void {
    const key = this.keyOfFlow.get(flowId)
    if (key === undefined) return
    const row = this.byClient.get(key)
    if (status !== null && row) {
      this.byClient.set(key, { ...row, status })
      return
    }
    this.byClient.delete(key)
    this.keyOfFlow.delete(flowId)
  }

  /** What a finished flow kept was removed (a running flow's row stays, as the store's DELETE leaves it). */
  removed(flowId: string): void {
    const key = this.keyOfFlow.get(flowId)
    if (key === undefined || this.byClient.get(key)?.status === 'running') return
    this.byClient.delete(key)
    this.keyOfFlow.delete(flowId)
  }
}
