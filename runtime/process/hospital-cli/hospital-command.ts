/**
 * `colloquy hospital <action>`: a running node's flow hospital over RPC (the typed client's `hospital`),
 * parsed with node:util's parseArgs like `colloquy flow`. Each action checks its arguments before it
 * connects; failures are thrown and mapped to exit codes by runtime/process/cli.ts.
 */
import { parseArgs } from 'node:util'
import type { HospitalFilter } from '../../engine/index.js'
import { exitCodes } from '../../protocol/errors/exit-codes.js'
import { UsageError } from '../../protocol/errors/usage-error.js'
import { connect } from '../../rpc/client/connect.js'
import type { RpcClient } from '../../rpc/client/rpc-client-api.js'
import { connectionOptions } from '../flow-cli/connection-options.js'
import { type Output, output } from '../flow-cli/flow-output.js'
import { withSpinner } from '../flow-cli/spinner.js'
import { hospitalCommandHelp } from './hospital-cli-help.js'
import { entriesText, reportText } from './hospital-output.js'

const states = ['observed', 'retrying', 'running'] as const

interface Request {
  readonly target: string | undefined
  readonly filter: HospitalFilter
  readonly all: boolean
  readonly dryRun: boolean
  readonly out: Output
}

type Action = (client: RpcClient, request: Request) => Promise<number>

function missing(out: Output, message: string): number {
  out.print(message, { ok: false, message })
  return exitCodes.failed
}

const actions: Readonly<Record<string, Action>> = {
  async list(client, { filter, out }) {
    const [entries, inits] = await withSpinner('Asking the hospital', Promise.all([client.hospital.list(filter), client.hospital.heldInits()]))
    out.print(entriesText(entries, inits), { flows: entries, heldInits: inits })
    return exitCodes.ok
  },
  async show(client, { target, out }) {
    const report = await withSpinner(`Asking for flow ${target}`, client.hospital.show(target!))
    if (!report) return missing(out, `The hospital of ${client.node} has no records of flow ${target}; \`colloquy hospital list\` lists its flows.`)
    out.print(reportText(report), report)
    return exitCodes.ok
  },
  async retry(client, { target, filter, all, dryRun, out }) {
    if (all) {
      const entries = await withSpinner('Retrying', client.hospital.retryAll(filter, { dryRun }))
      const ids = entries.map((e) => e.flowId)
      const verb = dryRun ? 'Would retry' : 'Retried'
      out.print(ids.length === 0 ? `${verb} no flows.` : `${verb} ${ids.length} flow(s): ${ids.join(', ')}.`, { dryRun, flows: entries })
      return exitCodes.ok
    }
    if (!(await withSpinner(`Retrying flow ${target}`, client.hospital.retry(target!))))
      return missing(out, `The hospital of ${client.node} keeps no flow ${target}; \`colloquy hospital list\` lists what it keeps.`)
    out.print(`Flow ${target} is retried from its last checkpoint.`, { ok: true, flowId: target })
    return exitCodes.ok
  },
  async kill(client, { target, out }) {
    if (!(await withSpinner(`Killing flow ${target}`, client.hospital.kill(target!))))
      return missing(out, `No running flow ${target} on ${client.node}, or it is already ending.`)
    out.print(`Flow ${target} was killed; its counterparties are told.`, { ok: true, flowId: target })
    return exitCodes.ok
  },
  async 'reject-init'(client, { target, out }) {
    if (!(await withSpinner(`Rejecting init ${target}`, client.hospital.rejectSessionInit(target!))))
      return missing(out, `${client.node} holds no session init ${target}; \`colloquy hospital list\` lists the held inits.`)
    out.print(`The session init ${target} was rejected; its initiator is told.`, { ok: true, id: target })
    return exitCodes.ok
  },
}

export async function hospitalCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      url: { type: 'string' },
      user: { type: 'string' },
      format: { type: 'string' },
      state: { type: 'string' },
      flow: { type: 'string' },
      staff: { type: 'string' },
      error: { type: 'string' },
      all: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  })
  if (values.help) {
    process.stdout.write(hospitalCommandHelp)
    return exitCodes.ok
  }
  const [action, ...rest] = positionals
  if (action === undefined || !(action in actions))
    throw new UsageError(`${action === undefined ? 'no action' : `unknown action '${action}'`}; actions are ${Object.keys(actions).join(', ')}.`)
  const all = values.all === true
  const takesFilter = action === 'list' || (action === 'retry' && all)
  const wanted = action === 'list' || (action === 'retry' && all) ? 0 : 1
  if (rest.length !== wanted)
    throw new UsageError(`hospital ${action}${action === 'retry' ? (all ? ' --all' : '') : ''} takes ${wanted ? 'one id' : 'no arguments'}.`)
  for (const name of ['state', 'flow', 'staff', 'error'] as const)
    if (values[name] !== undefined && !takesFilter) throw new UsageError(`hospital ${action} does not take --${name}.`)
  if (values.all && action !== 'retry') throw new UsageError(`hospital ${action} does not take --all.`)
  if (values['dry-run'] && !(action === 'retry' && all)) throw new UsageError('--dry-run goes with hospital retry --all.')
  if (values.state !== undefined && !(states as readonly string[]).includes(values.state))
    throw new UsageError(`--state is one of ${states.join(', ')}, not '${values.state}'.`)
  if (values.format !== undefined && values.format !== 'text' && values.format !== 'json')
    throw new UsageError(`--format is text or json, not '${values.format}'.`)
  const filter: HospitalFilter = {
    ...(values.state === undefined ? {} : { state: values.state as (typeof states)[number] }),
    ...(values.flow === undefined ? {} : { flowName: values.flow }),
    ...(values.staff === undefined ? {} : { staff: values.staff }),
    ...(values.error === undefined ? {} : { error: values.error }),
  }
  const request: Request = { target: rest[0], filter, all, dryRun: values['dry-run'] === true, out: output(values.format === 'json' ? 'json' : 'text') }
  const options = await connectionOptions(values)
  const client = await withSpinner(`Connecting to ${options.url}`, connect(options))
  try {
    return await actions[action]!(client, request)
  } finally {
    client.close()
  }
}
