/**
 * `colloquy flow <action>`: a running node's flows over RPC (the typed client, runtime/rpc/client/), parsed
 * with node:util's parseArgs like the rest of the runtime's command line. Each action checks its arguments
 * before it connects; failures are thrown and mapped to exit codes by runtime/process/cli.ts.
 */
import { parseArgs } from 'node:util'
import { exitCodes } from '../../protocol/errors/exit-codes.js'
import { UsageError } from '../../protocol/errors/usage-error.js'
import { connect } from '../../rpc/client/connect.js'
import { connectionOptions } from './connection-options.js'
import { type ActionRequest, flowActions } from './flow-actions.js'
import { flowCommandHelp } from './flow-cli-help.js'
import { output } from './flow-output.js'
import { withSpinner } from './spinner.js'

/** Positional arguments each action takes, by name. */
const actionArity: Readonly<Record<string, readonly string[]>> = {
  start: ['name'],
  list: [],
  status: ['flowId'],
  watch: ['flowId'],
  messages: ['flowId'],
  kill: ['flowId'],
  reattach: ['clientId'],
  remove: ['clientId'],
  signal: ['flowId', 'name'],
}

/** Options each action accepts besides the connection and --format. */
const actionOptions: Readonly<Record<string, readonly string[]>> = {
  start: ['args', 'client-id', 'watch'],
  list: ['state', 'flow', 'client-id', 'since'],
  signal: ['payload'],
}

export async function flowCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      url: { type: 'string' },
      user: { type: 'string' },
      format: { type: 'string' },
      args: { type: 'string' },
      'client-id': { type: 'string' },
      watch: { type: 'boolean' },
      payload: { type: 'string' },
      state: { type: 'string' },
      flow: { type: 'string' },
      since: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  })
  if (values.help) {
    process.stdout.write(flowCommandHelp)
    return exitCodes.ok
  }
  const [action, ...rest] = positionals
  const arity = action === undefined ? undefined : actionArity[action]
  if (arity === undefined)
    throw new UsageError(`${action === undefined ? 'no action' : `unknown action '${action}'`}; actions are ${Object.keys(actionArity).join(', ')}.`)
  if (rest.length !== arity.length) throw new UsageError(`flow ${action} takes ${arity.length ? arity.map((a) => `<${a}>`).join(' ') : 'no arguments'}.`)
  for (const name of ['args', 'client-id', 'watch', 'payload', 'state', 'flow', 'since'] as const) {
    if (values[name] !== undefined && !(actionOptions[action!] ?? []).includes(name)) throw new UsageError(`flow ${action} does not take --${name}.`)
  }
  if (values.format !== undefined && values.format !== 'text' && values.format !== 'json')
    throw new UsageError(`--format is text or json, not '${values.format}'.`)
  const request: ActionRequest = {
    positional: rest,
    args: jsonOption('--args', values.args),
    payload: jsonOption('--payload', values.payload),
    clientId: values['client-id'],
    watch: values.watch === true,
    filter: listFilter(values.state, values.flow, values['client-id'], values.since),
    out: output(values.format === 'json' ? 'json' : 'text'),
  }
  const options = await connectionOptions(values)
  const client = await withSpinner(`Connecting to ${options.url}`, connect(options))
  try {
    return await flowActions[action!]!(client, request)
  } finally {
    client.close()
  }
}

function jsonOption(flag: string, text: string | undefined): unknown {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${flag} is not JSON (${(error as Error).message}); quote it for the shell, e.g. ${flag} '{"peer":"Bob"}'.`)
  }
}

function listFilter(state: string | undefined, flow: string | undefined, clientId: string | undefined, since: string | undefined): ActionRequest['filter'] {
  const states = ['running', 'waiting', 'hospitalized', 'finished', 'failed'] as const
  if (state !== undefined && !(states as readonly string[]).includes(state)) throw new UsageError(`--state is one of ${states.join(', ')}, not '${state}'.`)
  const startedSince = since === undefined ? undefined : Date.parse(since)
  if (startedSince !== undefined && Number.isNaN(startedSince)) throw new UsageError(`--since is a time such as 2026-01-31T12:00:00Z, not '${since}'.`)
  return {
    ...(state === undefined ? {} : { state: state as (typeof states)[number] }),
    ...(flow === undefined ? {} : { flowName: flow }),
    ...(clientId === undefined ? {} : { clientId }),
    ...(startedSince === undefined ? {} : { startedSince }),
  }
}
