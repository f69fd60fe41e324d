/**
 * The node config's `start` list, checked as a whole before any entry starts: every entry that never ran
 * must name a flow the app registers and carry arguments the flow's schema accepts. Otherwise the config is
 * at fault (NodeConfigError naming the entry, the flow and each field) and nothing of the list starts, so a
 * typo in node.json never reaches the store. Each entry starts under its own flow id, so it runs once per
 * node however often the process is started: worker processes of one node that read the same list start
 * each entry once between them (the engine holds the id's claim while it checks and starts it), and an
 * entry another worker started meanwhile counts as started (`runStartList`).
 */
import { FlowStartError } from '../engine/engine-errors.js'
import type { Flow } from '../engine/flow.js'
import { InvalidFlowArgsError, parseFlowArgs } from '../engine/flow-args.js'
import type { Node } from '../engine/node-api.js'
import type { NodeConfig, StartRequest } from './node-config.js'
import { NodeConfigError } from './node-config.js'

export interface PendingStart {
  readonly request: StartRequest
  readonly flow: Flow
}

/** The entries still to start, each with its flow; `ran` tells whether a flow id already ran on this node. */
export async function pendingStarts(config: NodeConfig, flows: readonly Flow[], ran: (flowId: string) => Promise<boolean>): Promise<PendingStart[]> {
  const pending: PendingStart[] = []
  for (const request of config.start) {
    if (await ran(request.id)) continue // ran (or runs) already: never twice
    const flow = flows.find((f) => f.name === request.flow)
    if (!flow) {
      throw new NodeConfigError(
        `${config.file}: start lists flow '${request.flow}', which ${config.app} does not register; its flows are ${flows.map((f) => f.name).join(', ') || 'none'}.`,
      )
    }
    if (flow.argsSchema) checkArgs(config, request, flow.argsSchema)
    pending.push({ request, flow })
  }
  return pending
}

function checkArgs(config: NodeConfig, request: StartRequest, schema: NonNullable<Flow['argsSchema']>): void {
  try {
    parseFlowArgs(request.flow, schema, request.args)
  } catch (error) {
    if (!(error instanceof InvalidFlowArgsError)) throw error
    const problems = error.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')
    throw new NodeConfigError(
      `${config.file}: the start entry with id '${request.id}' has arguments flow '${request.flow}' does not accept (${problems}); fix its "args" and start the node again.`,
      { cause: error },
    )
  }
}

/**
 * Starts the entries that never ran, one after the other, each once its start committed; `started` hears of
 * each this process started. An entry whose id another process of the node took meanwhile is skipped.
 */
export async function runStartList(
  config: NodeConfig,
  node: Node,
  flows: readonly Flow[],
  started: (request: StartRequest, flow: Flow) => void,
): Promise<void> {
  const ran = async (id: string) => (await node.flowStatus(id)) !== undefined
  for (const { request, flow } of await pendingStarts(config, flows, ran)) {
    try {
      await node.startFlow(flow, request.args, { flowId: request.id }).started
    } catch (error) {
      if (error instanceof FlowStartError && (await ran(request.id))) continue // another worker of the node started it
      throw error
    }
    started(request, flow)
  }
}
