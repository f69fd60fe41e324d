/**
 * `flow(name, fn)` or `flow(name, argsSchema, fn)`: a named flow a node can start, resume after a restart,
 * and run as a sub-flow. With a schema (zod), callers pass the schema's input and the body gets its output;
 * arguments the schema refuses are refused at start (runtime/engine/flow-args.ts). Options may declare the
 * flow's progress steps (`{ progress: ['Verifying', 'Signing'] }`): its `ctx.progress` has them from the start.
 */
import type { z } from 'zod'
import { InvalidOptionError } from '../protocol/errors/invalid-option-error.js'
import type { FlowContext, FlowDefinition } from '../protocol/session/flow-context.js'
import type { ProgressSteps } from '../protocol/session/flow-progress.js'
import { parseFlowArgs } from './flow-args.js'
import type { Staff } from './hospital/staff.js'

// biome-ignore lint/suspicious/noExplicitAny: a node's list of flows holds flows of any argument type (Flow[]); with unknown, a flow of specific arguments would not be assignable to it
export interface Flow<Args = any, Result = unknown> extends FlowDefinition<Args, Result> {
  /** The schema the arguments are checked against, for a flow declared with one. */
  readonly argsSchema?: z.ZodType
  /** Hospital staff for this flow: added to the node's, or replacing the node's member of the same name. */
  readonly staff?: readonly Staff[]
}

export interface FlowOptions {
  /** The flow's progress steps (ctx.progress.setSteps before the body runs). */
  readonly progress?: ProgressSteps
  /** Hospital staff for this flow (hospital/staff.ts): added to the node's, or replacing its member of the same name. */
  readonly staff?: readonly Staff[]
}

type Body = (context: FlowContext, args: unknown) => Promise<unknown>

/**
 * Declares a flow. The name identifies it in the store: a node resumes an unfinished flow by looking up
 * the flow registered under the same name, so keep names stable across deployments. Pass a schema to have
 * the arguments checked before the flow starts (a node config's `start` arguments are JSON from a file).
 */
export function flow<Args = void, Result = unknown>(
  name: string,
  run: (context: FlowContext, args: Args) => Promise<Result>,
  options?: FlowOptions,
): Flow<Args, Result>
/**
 * Declares a flow whose arguments are checked against `argsSchema` (zod) before it starts: callers pass the
 * schema's input, the body gets its output; arguments it refuses throw InvalidFlowArgsError and start nothing.
 */
export function flow<Schema extends z.ZodType, Result = unknown>(
  name: string,
  argsSchema: Schema,
  run: (context: FlowContext, args: z.output<Schema>) => Promise<Result>,
  options?: FlowOptions,
): Flow<z.input<Schema>, Result>
export function flow(name: string, schemaOrRun: z.ZodType | Body, bodyOrOptions?: Body | FlowOptions, maybeOptions?: FlowOptions): Flow {
  if (!/^[A-Za-z][\w.:-]*$/.test(name))
    throw new InvalidOptionError(`flow name '${name}' is not valid; use letters, digits, '.', ':', '-' or '_', starting with a letter.`)
  if (typeof schemaOrRun === 'function') {
    const options = bodyOrOptions as FlowOptions | undefined
    return Object.freeze({ name, run: withProgress(schemaOrRun, options), ...staffOf(options) })
  }
  const body = bodyOrOptions
  if (typeof body !== 'function')
    throw new InvalidOptionError(`flow '${name}' has a schema but no function; declare it as flow(name, argsSchema, async (ctx, args) => ...).`)
  const argsSchema = schemaOrRun
  const run = withProgress(body, maybeOptions)
  const parsed = async (context: FlowContext, args: unknown) => run(context, parseFlowArgs(name, argsSchema, args))
  return Object.freeze({ name, argsSchema, run: parsed, ...staffOf(maybeOptions) })
}

function staffOf(options: FlowOptions | undefined): { staff?: readonly Staff[] } {
  return options?.staff ? { staff: options.staff } : {}
}

/** The body, declaring the flow's progress steps first when the options list them. */
function withProgress(body: Body, options: FlowOptions | undefined): Body {
  const steps = options?.progress
  if (steps === undefined) return body
  return async (context, args) => {
    context.progress.setSteps(steps)
    return body(context, args)
  }
}
