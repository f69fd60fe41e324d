/**
 * A flow's arguments checked against the schema it declares (`flow(name, schema, fn)`). The node checks
 * them when the flow is started (`node.startFlow`, a node config's `start` list), before anything is
 * written, so a refused start leaves no trace; the flow checks them again when its body runs (a start, a
 * replay, a sub-flow), so the body always sees the schema's output. Flows without a schema are not checked.
 */
import type { z } from 'zod'
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

/** One thing wrong with the arguments: where (e.g. `legs[1].qty`) and what was expected there. */
export interface FlowArgsIssue {
  /** The field, e.g. `peer` or `legs[1].qty`; `(the arguments)` for the arguments as a whole. */
  readonly path: string
  /** What was expected there, as the schema says it, e.g. `Invalid input: expected string, received undefined`. */
  readonly message: string
}

/** A flow was started with arguments its schema refuses; nothing was written. `issues` names each field. */
export class InvalidFlowArgsError extends ColloquyError {
  override readonly name = 'InvalidFlowArgsError'
  readonly code = 'INVALID_FLOW_ARGS'

  constructor(
    /** The flow's name. */
    readonly flow: string,
    /** Each field at fault. */
    readonly issues: readonly FlowArgsIssue[],
  ) {
    const problems = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')
    super(`Flow '${flow}' was not started: its arguments do not match its schema (${problems}); pass arguments the schema accepts.`)
  }
}

/** The arguments as the schema outputs them, or InvalidFlowArgsError naming the flow and every field at fault. */
export function parseFlowArgs<Schema extends z.ZodType>(flow: string, schema: Schema, args: unknown): z.output<Schema> {
  const parsed = schema.safeParse(args)
  if (parsed.success) return parsed.data
  throw new InvalidFlowArgsError(
    flow,
    parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  )
}

/** `legs[1].qty`; the arguments themselves when the path is empty. */
function formatPath(path: readonly PropertyKey[]): string {
  let text = ''
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) text += text === '' ? key : `.${key}`
    else text += `[${JSON.stringify(String(key))}]`
  }
  return text || '(the arguments)'
}
