/**
 * What each RPC operation does on the node, once the connection has checked the request and the user's
 * permission (rpc-connection.ts). Client ids are the user's own: every call that takes or lists them
 * passes the user as the owner, so another user's ids are invisible.
 */
import type { Subscription } from 'rxjs'
import type { FlowHandle } from '../engine/index.js'
import { feedUpdate } from './feed-update.js'
import { hospitalHandlers } from './hospital-operations.js'
import type { OperableNode } from './operable-node.js'
import type { Handlers, Reply } from './operation-context.js'
import { RpcPermissionError } from './rpc-errors.js'
import type { FlowStreamItem } from './rpc-protocol.js'

export type { Reply } from './operation-context.js'

export const operationHandlers: Handlers = {
  async startFlow({ node, user, reply }, args) {
    let handle: FlowHandle<unknown> | undefined
    if (args.flowId !== undefined) handle = await startedBefore(node, user, args.flowId, args.flowName)
    handle ??= node.startFlowByName(args.flowName, args.args, {
      owner: user,
      ...(args.clientId === undefined ? {} : { clientId: args.clientId }),
      ...(args.flowId === undefined ? {} : { flowId: args.flowId }),
    })
    await handle.started
    follow(node, handle, reply, args.track === true)
  },
  async reattachFlow({ node, user, reply }, args) {
    const handle = await node.reattachFlow(args.clientId, user)
    if (handle === null) reply.done(null)
    else follow(node, handle, reply, false)
  },
  async removeClientId({ node, user, reply }, args) {
    reply.done(await node.removeClientId(args.clientId, user))
  },
  async finishedFlowsWithClientIds({ node, user, reply }) {
    reply.done(await node.finishedFlowsWithClientIds(user))
  },
  async killFlow({ node, reply }, args) {
    reply.done(await node.killFlow(args.flowId))
  },
  async listFlows({ node, user, reply }, args) {
    // A client id names a flow only within its owner's ids.
    reply.done(await node.listFlows(args.clientId === undefined ? args : { ...args, owner: user }))
  },
  async flowStatus({ node, reply }, args) {
    reply.done((await node.flowStatus(args.flowId)) ?? null)
  },
  async flowMessages({ node, reply }, args) {
    reply.done(await node.flowMessages(args.flowId))
  },
  async signal({ node, reply }, args) {
    reply.done(await node.signal(args.flowId, args.name, args.payload))
  },
  async progress({ node, reply }, args) {
    const subscription = node.progress(args.flowId).subscribe({
      next: (update) => reply.next(update),
      error: (error) => reply.fail(error),
      complete: () => reply.done(undefined),
    })
    reply.onEnd(() => subscription.unsubscribe())
  },
  async stateMachinesFeed({ node, reply }) {
    const subscription = node.events.subscribe({
      next: (event) => {
        const update = feedUpdate(event)
        if (update) reply.next(update)
      },
      complete: () => reply.done(undefined),
    })
    reply.onEnd(() => subscription.unsubscribe())
  },
  async flowNames({ node, reply }) {
    reply.done(node.flowNames())
  },
  async unfinishedFlows({ node, reply }) {
    reply.done(await node.unfinishedFlows())
  },
  async protocols({ node, reply }) {
    reply.done(node.protocols())
  },
  async peers({ node, reply }) {
    reply.done(node.peers())
  },
  ...hospitalHandlers,
}

/**
 * A start sent again after a lost connection carries the flow id the client chose the first time: when
 * that flow exists and is this user's, the client gets it back instead of a second flow.
 */
async function startedBefore(node: OperableNode, user: string, flowId: string, flowName: string): Promise<FlowHandle<unknown> | undefined> {
  const status = await node.flowStatus(flowId)
  if (status === undefined) return undefined
  if ((status.owner ?? '') !== user || status.name !== flowName) {
    throw new RpcPermissionError(`Flow id ${flowId} belongs to another flow; start the flow without choosing its id.`, `StartFlow.${flowName}`)
  }
  return {
    flowId,
    ...(status.clientId === undefined ? {} : { clientId: status.clientId }),
    result: node.resultOf(flowId),
    started: Promise.resolve(),
  }
}

/** Streams a flow's start (and progress, when tracked) and ends with its result. */
function follow(node: OperableNode, handle: FlowHandle<unknown>, reply: Reply, track: boolean): void {
  const started: FlowStreamItem = { kind: 'started', flowId: handle.flowId, ...(handle.clientId === undefined ? {} : { clientId: handle.clientId }) }
  reply.next(started)
  let progress: Subscription | undefined
  if (track) {
    // A flow without progress to report ends the stream with its result alone.
    progress = node.progress(handle.flowId).subscribe({ next: (update) => reply.next({ kind: 'progress', update } satisfies FlowStreamItem), error: () => {} })
  }
  reply.onEnd(() => progress?.unsubscribe())
  // The last progress update (DONE) goes out before the result.
  const settle = (end: () => void) => (track ? setImmediate(end) : end())
  handle.result.then(
    (value) => settle(() => reply.done(value)),
    (error: unknown) => settle(() => reply.fail(error)),
  )
}
