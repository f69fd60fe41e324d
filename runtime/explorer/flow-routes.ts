/**
 * The flows API the page calls, each on the logged-in user's RPC client, so the node checks that user's
 * permissions: the filtered list, one flow (status, sessions, what it waits for in words, the run seen so
 * far), its messages with their payloads (flowMessages, so InvokeRpc.flowMessages: a user without it gets
 * the node's 403, and the page draws the run it saw instead), kill, signal an awaited event, and the bulk kill and bulk retry over a filter. A bulk action names the
 * flows the user previewed and acts only on those that still match the filter, so a flow that moved out of it
 * since the preview is left alone; a bulk retry also only on those still hospitalized (hospital.retry, so the
 * node checks InvokeRpc.hospital.retry for each).
 */
import type { Context, Hono } from 'hono'
import { z } from 'zod'
import { describeWaitingFor } from '../engine/index.js'
import type { ExplorerEnv } from './explorer-env.js'
import { FlowFilterSchema, filteredFlows, sessionsIfAllowed } from './flow-filter.js'
import type { RpcClient } from '../rpc/client/rpc-client-api.js'
import { errorBody, failure, refusal } from './http-errors.js'
import { toPlainJson } from './plain-json.js'
import type { RunHistory } from './run-history.js'

const flowId = z.string().min(1).max(1024)
const SignalSchema = z.strictObject({ name: z.string().min(1).max(1024), payload: z.unknown().optional() })
const BulkSchema = z.strictObject({ filter: FlowFilterSchema, flowIds: z.array(flowId).min(1).max(1000) })

/** A bulk action: its answer's key for one flow, which matching flows it may act on, and the act. */
interface BulkAction {
  readonly done: 'killed' | 'retried'
  readonly eligible: (state: string) => boolean
  readonly act: (client: RpcClient, flowId: string) => Promise<boolean>
}

const bulkKill: BulkAction = { done: 'killed', eligible: () => true, act: (client, id) => client.killFlow(id) }
const bulkRetry: BulkAction = { done: 'retried', eligible: (state) => state === 'hospitalized', act: (client, id) => client.hospital.retry(id) }

/** JSON with the node's values made plain (bigint, Date, Map...): plain-json.ts. */
function plainJson(c: Context, value: unknown): Response {
  return c.body(toPlainJson(value), 200, { 'content-type': 'application/json; charset=utf-8' })
}

export function addFlowRoutes(app: Hono<ExplorerEnv>, history: RunHistory): void {
  app.get('/api/flows', async (c) => {
    const filter = FlowFilterSchema.safeParse(Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== '')))
    if (!filter.success)
      return refusal(c, 400, 'EXPLORER_REQUEST', `The filter is not valid: ${filter.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`)
    try {
      return plainJson(c, { flows: await filteredFlows(c.get('session').client, history, filter.data) })
    } catch (error) {
      return failure(c, error)
    }
  })

  app.get('/api/flows/:id', async (c) => {
    const id = c.req.param('id')
    const { client } = c.get('session')
    try {
      const status = await client.flowStatus(id)
      if (status === undefined) return refusal(c, 404, 'FLOW_NOT_FOUND', `The node has no flow ${id}: it finished without a kept outcome, or never ran there.`)
      const sessions = (await sessionsIfAllowed(client)).find((f) => f.id === id)?.sessions ?? []
      const waits = status.waits ?? (status.waitingFor ? [status.waitingFor] : [])
      return plainJson(c, { status, sessions, waiting: waits.map((w) => ({ ...w, text: describeWaitingFor(w) })), actions: history.of(id) })
    } catch (error) {
      return failure(c, error)
    }
  })

  app.get('/api/flows/:id/messages', async (c) => {
    try {
      return plainJson(c, await c.get('session').client.flowMessages(c.req.param('id')))
    } catch (error) {
      return failure(c, error)
    }
  })

  app.post('/api/flows/:id/kill', async (c) => {
    try {
      return c.json({ killed: await c.get('session').client.killFlow(c.req.param('id')) })
    } catch (error) {
      return failure(c, error)
    }
  })

  app.post('/api/flows/:id/signal', async (c) => {
    const body = SignalSchema.safeParse(await c.req.json().catch(() => undefined))
    if (!body.success) return refusal(c, 400, 'EXPLORER_REQUEST', 'Send { "name", "payload" } as JSON to signal an event.')
    try {
      return c.json(await c.get('session').client.signal(c.req.param('id'), body.data.name, body.data.payload))
    } catch (error) {
      return failure(c, error)
    }
  })

  for (const [path, action] of [
    ['/api/flows/kill', bulkKill],
    ['/api/flows/retry', bulkRetry],
  ] as const)
    app.post(path, (c) => bulk(c, history, action))
}

async function bulk(c: Context<ExplorerEnv>, history: RunHistory, action: BulkAction): Promise<Response> {
  const body = BulkSchema.safeParse(await c.req.json().catch(() => undefined))
  if (!body.success) return refusal(c, 400, 'EXPLORER_REQUEST', 'Send { "filter", "flowIds" } as JSON: the filter and the flows it showed in the preview.')
  const { client } = c.get('session')
  try {
    const rows = await filteredFlows(client, history, body.data.filter)
    const matching = new Set(rows.filter((f) => action.eligible(f.state)).map((f) => f.flowId))
    const results = []
    for (const id of body.data.flowIds) {
      if (!matching.has(id)) {
        results.push({
          flowId: id,
          [action.done]: false,
          skipped: action.done === 'retried' ? 'no longer matches the filter or is no longer hospitalized' : 'no longer matches the filter',
        })
        continue
      }
      try {
        results.push({ flowId: id, [action.done]: await action.act(client, id) })
      } catch (error) {
        results.push({ flowId: id, [action.done]: false, ...errorBody(error) })
      }
    }
    return c.json({ results })
  } catch (error) {
    return failure(c, error)
  }
}
