/** What each `colloquy flow` action does with the connected client (flow-command.ts parses and connects). */
import type { Observable } from 'rxjs'
import { escapeLogText } from '../../codec/log-text.js'
import type { FlowListFilter, ProgressUpdate } from '../../engine/index.js'
import { exitCodeOf, exitCodes } from '../../protocol/errors/exit-codes.js'
import type { RpcClient, RpcFlowHandle, TrackedFlowHandle } from '../../rpc/client/rpc-client-api.js'
import { toWireError } from '../../rpc/wire-error.js'
import { type Output, flowTable, statusText, valueText } from './flow-output.js'
import { messagesText } from './messages-output.js'
import { ProgressView } from './progress-view.js'
import { withSpinner } from './spinner.js'

export interface ActionRequest {
  readonly positional: readonly string[]
  readonly args: unknown
  readonly payload: unknown
  readonly clientId: string | undefined
  readonly watch: boolean
  readonly filter: Omit<FlowListFilter, 'owner'>
  readonly out: Output
}

type Action = (client: RpcClient, request: ActionRequest) => Promise<number>

export const flowActions: Readonly<Record<string, Action>> = {
  async start(client, { positional, args, clientId, watch, out }) {
    const [name] = positional as [string]
    const options = clientId === undefined ? {} : { clientId }
    const handle = watch
      ? await withSpinner(`Starting ${name}`, client.startTrackedFlow(name, args, options))
      : await withSpinner(`Starting ${name}`, client.startFlow(name, args, options))
    const withId = handle.clientId === undefined ? '' : ` (client id ${handle.clientId})`
    out.print(`Started flow ${name} with id ${handle.flowId}${withId}.`, {
      flowId: handle.flowId,
      ...(handle.clientId === undefined ? {} : { clientId: handle.clientId }),
    })
    if (!watch) return exitCodes.ok
    await showProgress((handle as TrackedFlowHandle).progress, out)
    return outcome(handle, out)
  },
  async list(client, { filter, out }) {
    const flows = await withSpinner('Listing flows', client.listFlows(filter))
    out.print(flowTable(flows), flows)
    return exitCodes.ok
  },
  async status(client, { positional, out }) {
    const [flowId] = positional as [string]
    const status = await withSpinner(`Asking for flow ${flowId}`, client.flowStatus(flowId))
    if (status === undefined) return notFound(out, `No flow ${flowId} on node ${client.node}; \`colloquy flow list\` lists them.`)
    out.print(statusText(status), status)
    return exitCodes.ok
  },
  async watch(client, { positional, out }) {
    const [flowId] = positional as [string]
    await showProgress(client.progress(flowId), out)
    const status = await client.flowStatus(flowId)
    if (status !== undefined) out.print(statusText(status), status)
    return exitCodes.ok
  },
  async messages(client, { positional, out }) {
    const [flowId] = positional as [string]
    const history = await withSpinner(`Reading the messages of flow ${flowId}`, client.flowMessages(flowId))
    out.print(messagesText(history), history)
    return exitCodes.ok
  },
  async kill(client, { positional, out }) {
    const [flowId] = positional as [string]
    const killed = await withSpinner(`Killing flow ${flowId}`, client.killFlow(flowId))
    if (!killed) return notFound(out, `No running flow ${flowId} on node ${client.node} (finished, already ending, or unknown).`)
    out.print(`Killed flow ${flowId}.`, { flowId, killed })
    return exitCodes.ok
  },
  async reattach(client, { positional, out }) {
    const [clientId] = positional as [string]
    const handle = await withSpinner(`Looking up client id ${clientId}`, client.reattachFlow(clientId))
    if (handle === null) return notFound(out, `No flow with client id ${clientId} for user on node ${client.node}.`)
    return outcome(handle, out)
  },
  async remove(client, { positional, out }) {
    const [clientId] = positional as [string]
    const removed = await withSpinner(`Removing client id ${clientId}`, client.removeClientId(clientId))
    if (!removed) return notFound(out, `Client id ${clientId} was not removed: its flow still runs, or no flow of yours has it.`)
    out.print(`Removed client id ${clientId} and its flow's outcome.`, { clientId, removed })
    return exitCodes.ok
  },
  async signal(client, { positional, payload, out }) {
    const [flowId, name] = positional as [string, string]
    const delivered = await withSpinner(`Signalling ${name} to flow ${flowId}`, client.signal(flowId, name, payload))
    out.print(`Signalled ${name} to flow ${flowId}: ${valueText(delivered)}.`, { flowId, name, outcome: delivered })
    return exitCodes.ok
  },
}

/** Waits for the flow's result and prints it; a failed flow prints its error and exits with its code. */
async function outcome(handle: RpcFlowHandle, out: Output): Promise<number> {
  try {
    const result = await withSpinner(`Waiting for flow ${handle.flowId}`, handle.result)
    out.print(`Flow ${handle.flowId} finished: ${valueText(result)}`, { flowId: handle.flowId, ok: true, result })
    return exitCodes.ok
  } catch (error) {
    if (out.format === 'json') out.print('', { flowId: handle.flowId, ok: false, error: toWireError(error) })
    else process.stderr.write(`Flow ${handle.flowId} failed: ${escapeLogText((error as Error)?.message ?? String(error))}\n`)
    return exitCodeOf(error, exitCodes.failed)
  }
}

function notFound(out: Output, message: string): number {
  if (out.format === 'json') out.print('', { ok: false, message })
  process.stderr.write(`${message}\n`)
  return exitCodes.failed
}

function showProgress(progress: Observable<ProgressUpdate>, out: Output): Promise<void> {
  const view = new ProgressView(out)
  return new Promise((resolve, reject) =>
    progress.subscribe({
      next: (update) => view.show(update),
      error: (error) => {
        view.end()
        reject(error)
      },
      complete: () => {
        view.end()
        resolve()
      },
    }),
  )
}
