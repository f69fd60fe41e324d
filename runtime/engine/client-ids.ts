/**
 * Client-provided flow ids (Corda's startFlowWithClientId), scoped per owner ('' in process, else the RPC
 * user): a start with an id no flow of that owner has starts one and records the id in its row; a start
 * with the id of a running flow returns that flow's handle (the new arguments are ignored), also while the
 * first start is not yet committed and after a restart; the id of a finished flow returns its kept result
 * or error (the outcome policy keeps every client-id flow's outcome, outcome-policy.ts) until
 * removeClientId forgets it. A start that throws records nothing. Another owner's ids are invisible.
 *
 * Worker processes of one node (flow-ownership.ts) each know only the client ids they started or found at
 * open. A start there whose id this process does not know holds the id's claim (node-claims.ts), reads the
 * store and starts the flow only if no process did, under a flow id every process derives from the owner and
 * client id (`sharedClientFlowId`), so two processes starting one client id at once return one flow's handle;
 * the claim is let go once the start committed. Its `started` and `result` then settle as the found or
 * started flow's do; an error a start throws at once elsewhere rejects them here.
 */
import type { ClientIdentity, FlowStore } from '../store/flow-store.js'
import type { FlowRow } from '../store/store-rows.js'
import type { FlowResults } from './flow-results.js'
import type { LoadedFlows } from './loaded-flows.js'
import type { FlowHandle } from './node-api.js'
import { type NodeClaims, claimKeys, sharedClientFlowId } from './node-claims.js'

export interface ClientIdParts {
  readonly store: Pick<FlowStore, 'clientFlow' | 'finishedClientFlows' | 'removeOutcome' | 'commits' | 'listFlows'>
  readonly results: FlowResults
  readonly loaded: LoadedFlows
  readonly claims: NodeClaims
}

/** Starts the flow under `flowId` (undefined: the start's own id). */
export type BeginFlow<R> = (flowId?: string) => FlowHandle<R>

export class ClientIds {
  /** Handles of flows started with a client id in this process and not yet ended, by owner and id. */
  private readonly active = new Map<string, FlowHandle<unknown>>()
  /** Ids being removed: a second removal meanwhile finds nothing left. */
  private readonly removing = new Set<string>()

  constructor(private readonly parts: ClientIdParts) {}

  /** The flow with this client id, or the one `begin` starts (and records) when there is none; `flowId` is the caller's. */
  start<R>(client: ClientIdentity, begin: BeginFlow<R>, flowId?: string): FlowHandle<R> {
    const key = keyOf(client)
    const known = this.active.get(key) ?? this.stored(client)
    if (known) return known as FlowHandle<R>
    const handle: FlowHandle<R> = this.parts.claims.shared ? this.startShared(client, begin, flowId) : { ...begin(), clientId: client.clientId }
    this.active.set(key, handle)
    const forget = () => {
      if (this.active.get(key) === handle) this.active.delete(key)
    }
    handle.result.then(forget, forget)
    return handle
  }

  /** The handle of the owner's flow with this client id, or null (worker processes read the store for ids started elsewhere). */
  async reattach(client: ClientIdentity): Promise<FlowHandle<unknown> | null> {
    const known = this.active.get(keyOf(client)) ?? this.stored(client)
    if (known || !this.parts.claims.shared) return known ?? null
    const row = await this.storedElsewhere(client)
    return row ? this.handleOf(row.id, client) : null
  }

  /** Forgets a finished flow's client id with its kept outcome; false while it runs or when there is none. */
  async remove(client: ClientIdentity): Promise<boolean> {
    const { store, loaded } = this.parts
    const key = keyOf(client)
    if (this.active.has(key) || this.removing.has(key)) return false
    const row = store.clientFlow(client) ?? (this.parts.claims.shared ? await this.storedElsewhere(client) : null)
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
    return row ? this.handleOf(row.id, client) : undefined
  }

  private handleOf(flowId: string, client: ClientIdentity): FlowHandle<unknown> {
    return { flowId, clientId: client.clientId, result: this.parts.results.resultOf(flowId), started: Promise.resolve() }
  }

  /** The flow another process of the node started with this client id, read from the store. */
  private async storedElsewhere(client: ClientIdentity): Promise<{ id: string; status: string } | null> {
    const rows = await this.parts.store.listFlows({ clientId: client.clientId, owner: client.owner })
    return rows[0] ?? null
  }

  /** A start shared with other processes: under the id's claim, the stored flow's handle or a new flow's. */
  private startShared<R>(client: ClientIdentity, begin: BeginFlow<R>, given: string | undefined): FlowHandle<R> {
    const { claims } = this.parts
    const claim = claimKeys.client(client)
    const flowId = given ?? sharedClientFlowId(client)
    const begun = (async (): Promise<FlowHandle<R>> => {
      await claims.hold(claim)
      let handle: FlowHandle<R>
      try {
        const row = await this.storedElsewhere(client)
        handle = row ? (this.handleOf(row.id, client) as FlowHandle<R>) : begin(flowId)
      } catch (error) {
        claims.release(claim)
        throw error
      }
      const letGo = () => claims.release(claim)
      handle.started.then(letGo, letGo)
      return handle
    })()
    const result = begun.then((handle) => handle.result)
    const started = begun.then((handle) => handle.started)
    result.catch(() => {}) // as for every result: the caller may never look
    started.catch(() => {})
    return { flowId, clientId: client.clientId, result, started }
  }
}

function keyOf(client: ClientIdentity): string {
  return `${client.owner}\u0000${client.clientId}`
}
