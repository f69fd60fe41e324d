/**
 * The Flows screen's filter (state, flow name, counterparty, client id, started since), read from the query
 * string or a bulk action's body, and applied: state, name, client id and time by the node (listFlows), the
 * counterparty here, from the flows' sessions (unfinishedFlows), what they wait for and the run history.
 */
import { z } from 'zod'
import type { FlowSummary, UnfinishedFlow } from '../engine/index.js'
import type { RpcClient } from '../rpc/client/rpc-client-api.js'
import { flowStates } from '../rpc/rpc-protocol.js'
import type { RunHistory } from './run-history.js'

const text = z.string().min(1).max(1024)

export const FlowFilterSchema = z.strictObject({
  state: z.enum(flowStates).optional(),
  flowName: text.optional(),
  counterparty: text.optional(),
  clientId: text.optional(),
  /** Started at or after (epoch ms). */
  startedSince: z.coerce.number().int().nonnegative().optional(),
})
export type FlowFilter = z.infer<typeof FlowFilterSchema>

/** A row of the Flows table: the node's summary with the counterparties known for it. */
export interface FlowRow extends FlowSummary {
  readonly counterparties: readonly string[]
}

/** The flows matching `filter`, oldest first, as the logged-in user may see them. */
export async function filteredFlows(client: RpcClient, history: RunHistory, filter: FlowFilter): Promise<FlowRow[]> {
  const { counterparty, ...nodeFilter } = filter
  const [flows, unfinished] = await Promise.all([client.listFlows(nodeFilter), sessionsIfAllowed(client)])
  const peersOf = new Map(unfinished.map((f) => [f.id, f.sessions.map((s) => s.peer)]))
  const rows = flows.map((flow) => {
    const waitingParty = flow.waitingFor && 'party' in flow.waitingFor ? [flow.waitingFor.party] : []
    const counterparties = [...new Set([...(peersOf.get(flow.flowId) ?? []), ...history.counterparties(flow.flowId), ...waitingParty])]
    return { ...flow, counterparties }
  })
  return counterparty === undefined ? rows : rows.filter((row) => row.counterparties.includes(counterparty))
}

/** The sessions of unfinished flows, or none when the user may not ask (InvokeRpc.unfinishedFlows). */
export async function sessionsIfAllowed(client: RpcClient): Promise<UnfinishedFlow[]> {
  try {
    return await client.unfinishedFlows()
  } catch (error) {
    if ((error as { code?: unknown }).code === 'RPC_PERMISSION') return []
    throw error
  }
}
