/**
 * The node config's `start` list, checked as a whole before any entry starts: every entry that never ran
 * must name a flow the app registers and carry arguments the flow's schema accepts. Otherwise the config is
 * at fault (NodeConfigError naming the entry, the flow and each field) and nothing of the list starts, so a
 * typo in node.json never reaches the store.
 */
import type { Flow } from '../engine/flow.js'
import { InvalidFlowArgsError, parseFlowArgs } from '../engine/flow-args.js'
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
