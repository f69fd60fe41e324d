/** `flow(name, fn)`: a named flow a node can start, resume after a restart, and run as a sub-flow. */
import { InvalidOptionError } from '../protocol/errors/invalid-option-error.js'
import type { FlowContext, FlowDefinition } from '../protocol/session/flow-context.js'

// biome-ignore lint/suspicious/noExplicitAny: a node's list of flows holds flows of any argument type (Flow[]); with unknown, a flow of specific arguments would not be assignable to it
export type Flow<Args = any, Result = unknown> = FlowDefinition<Args, Result>

/**
 * Declares a flow. The name identifies it in the store: a node resumes an unfinished flow by looking up
 * the flow registered under the same name, so keep names stable across deployments.
 */
export function flow<Args = void, Result = unknown>(name: string, run: (context: FlowContext, args: Args) => Promise<Result>): Flow<Args, Result> {
  if (!/^[A-Za-z][\w.:-]*$/.test(name))
    throw new InvalidOptionError(`flow name '${name}' is not valid; use letters, digits, '.', ':', '-' or '_', starting with a letter.`)
  return Object.freeze({ name, run })
}
