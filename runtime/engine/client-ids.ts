/**
 * Client-provided flow ids (Corda's startFlowWithClientId), scoped per owner ('' in process, else the RPC
 * user): a start with an id no flow of that owner has starts one and records the id in its row; a start
 * with the id of a running flow returns that flow's handle (the new arguments are ignored), also while the
 * first start is not yet committed and after a restart; the id of a finished flow returns its kept result
 * or error (the outcome policy keeps every client-id flow's outcome, outcome-policy.ts) until
 * removeClientId forgets it. A start that throws records nothing. Another owner's ids are invisible.
 */
import type { ClientIdentity, FlowStore } from '../store/flow-store.js'
import type { FlowRow } from '../store/store-rows.js'
import type { FlowResults } from './flow-results.js'
import type { LoadedFlows } from './loaded-flows.js'
import type { FlowHandle } from './node-api.js'

export interface ClientIdParts {
  readonly store: Pick<FlowStore, 'clientFlow' | 'finishedClientFlows' | 'removeOutcome' | 'commits'>
  readonly results: FlowResults
  readonly loaded: LoadedFlows
}

export class ClientIds {
  /** Handles of flows started with a client id in this process and not yet ended, by owner and id. */
  private readonly active = new Map<string, FlowHandle<unknown>>()
  /** Ids being removed: a second removal meanwhile finds nothing left. */
  private readonly removing = new Set<string>()

  constructor(private readonly parts: ClientIdParts) {}

  /** The flow with this client id, or the one `begin` starts (and records) when there is none. */
  start<R>(client: ClientIdentity, begin: () => FlowHandle<R>): FlowHandle<R> {
    const key = keyOf(client)
    const known = this.active.get(key) ?? this.stored(client)
    if (known) return known as FlowHandle<R>
    const handle: FlowHandle<R> = { ...begin(), clientId: client.clientId }
    this.active.set(key, handle)
    const forget = () => {
      if (this.active.get(key) === handle) this.active.delete(key)
    }
    handle.result.then(forget, forget)
    return handle
  }

  /** The handle of the owner's flow with this client id, or null. */
  reattach(client: ClientIdentity): FlowHandle<unknown> | null {
    return this.active.get(keyOf(client)) ?? this.stored(client) ?? null
  }

  /** Forgets a finished flow's client id with its kept outcome; false while it runs or when there is none. */
  async remove(client: ClientIdentity): Promise<boolean> {
    const { store, loaded } = this.parts
    const key = keyOf(client)
    if (this.active.has(key) || this.removing.has(key)) return false
    const row = store.clientFlow(client)
    if (!row || row.status === 'running' || loaded.runs.has(row.id)) return false
    this.removing.add(key)
    try {
      store.removeOutcome(row.id)
      await store.commits.commit()
      return true
    } finally {
      this.removing.delete(key)
    }
  }

  /** The owner's client ids whose flows finished: true for success, false for failure or kill. */
  async finished(owner: string): Promise<Record<string, boolean>> {
    const rows = await this.parts.store.finishedClientFlows(owner)
    const out: Record<string, boolean> = {}
    for (const row of rows) out[row.client_id] = row.status === 'done'
    return out
  }

  private stored(client: ClientIdentity): FlowHandle<unknown> | undefined {
    const row: FlowRow | null = this.parts.store.clientFlow(client)
    if (!row) return undefined
    return { flowId: row.id, clientId: client.clientId, result: this.parts.results.resultOf(row.id), started: Promise.resolve() }
  }
}

function keyOf(client: ClientIdentity): string {
  return `${client.owner}\u0000${client.clientId}`
}
