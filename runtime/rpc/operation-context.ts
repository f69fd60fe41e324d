/** What an RPC operation runs with (rpc-operations.ts, hospital-operations.ts): the node, the user, and where it answers. */
import type { OperableNode } from './operable-node.js'
import type { Operation, OperationArgs } from './rpc-protocol.js'

/** Where an operation answers: values of a stream, then done or fail. */
export interface Reply {
  next(value: unknown): void
  done(value: unknown): void
  fail(error: unknown): void
  /** Runs `stop` when the client cancels the request or the connection closes. */
  onEnd(stop: () => void): void
}

export interface OperationContext {
  readonly node: OperableNode
  readonly user: string
  readonly reply: Reply
}

export type Handlers = { readonly [O in Operation]: (context: OperationContext, args: OperationArgs<O>) => Promise<void> }
