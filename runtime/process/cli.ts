/**
 * The runtime's command line: `colloquy node | identity | flows | flow | hospital | rpc-user | explorer`, parsed with node:util's parseArgs. It
 * loads the node's runtime only, never the code generator, ts-morph or typescript (tsx only for an app
 * written in TypeScript); each command is its own module, imported when asked for. Failures end with the
 * exit code of the error's code (the one table in runtime/protocol/errors/exit-codes.ts).
 */
import { parseArgs } from 'node:util'
import { escapeLogLines, escapeLogText } from '../codec/log-text.js'
import type { RetiredVersionInFlightError } from '../engine/engine-errors.js'
import { isColloquyError } from '../protocol/errors/colloquy-error.js'
import { exitCodeOf, exitCodes } from '../protocol/errors/exit-codes.js'
import { UsageError } from '../protocol/errors/usage-error.js'
import { nodeCommandHelp } from './node-cli-help.js'
import { readNodeConfig } from './node-config.js'
import { loadTypeScriptFor } from './typescript-loader.js'

export const nodeCommands = ['node', 'identity', 'flows'] as const
type NodeCommand = (typeof nodeCommands)[number]

interface NodeArguments {
  readonly help: boolean
  readonly config: string | undefined
  readonly json: boolean
  readonly drain: boolean
  /** identity: replace the key (keeping the old one as <keyFile>.old). */
  readonly rotate: boolean
  /** flows: the action and its flow ids. */
  readonly positional: readonly string[]
}

export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv
  if (first === 'flow' || first === 'hospital' || first === 'rpc-user' || first === 'explorer') return rpcCommand(first, rest)
  const command = first as NodeCommand
  let args: NodeArguments
  try {
    if (!nodeCommands.includes(command)) throw new UsageError(`unknown command '${first}'; commands are ${nodeCommands.join(', ')}.`)
    args = parseNodeArguments(command, rest)
    if (!args.help && !args.config) throw new UsageError('--config <node.json> is required.')
  } catch (error) {
    process.stderr.write(`colloquy ${escapeLogText(String(first))}: ${escapeLogLines((error as Error).message)}\n${nodeCommandHelp}`)
    return exitCodeOf(error, exitCodes.usage)
  }
  if (args.help) {
    process.stdout.write(nodeCommandHelp)
    return exitCodes.ok
  }
  const configPath = args.config!
  try {
    const read = readNodeConfig(configPath)
    if (command === 'identity') return await (await import('./identity-command.js')).identityCommand(read, { rotate: args.rotate })
    await loadTypeScriptFor(read.app)
    if (command === 'flows') return await (await import('./flows-cli.js')).flowsCommand(read, args.positional)
    const config = args.drain ? { ...read, drain: true } : read
    return await (await import('./node-command.js')).runNodeCommand(config, { json: args.json })
  } catch (error) {
    process.stderr.write(`colloquy ${command}: ${escapeLogLines((error as Error)?.message ?? String(error))}\n${wayOut(error, configPath)}`)
    // Setup problems (config, key, network map, app module) are the operator's to fix: exit 2; a node that
    // refuses to start (e.g. flows in flight on a retired protocol version) or cannot listen: exit 1.
    return exitCodeOf(error, exitCodes.failed)
  }
}

/** `colloquy flow ...`, `colloquy hospital ...` and `colloquy explorer` (over a node's RPC endpoint) and `colloquy rpc-user add`: no node config needed for the first three. */
async function rpcCommand(command: 'flow' | 'hospital' | 'rpc-user' | 'explorer', argv: readonly string[]): Promise<number> {
  try {
    if (command === 'flow') return await (await import('./flow-cli/flow-command.js')).flowCommand(argv)
    if (command === 'hospital') return await (await import('./hospital-cli/hospital-command.js')).hospitalCommand(argv)
    if (command === 'explorer') return await (await import('./explorer-command.js')).explorerCommand(argv)
    return await (await import('./rpc-user-command.js')).rpcUserCommand(argv)
  } catch (error) {
    const usage = isColloquyError(error) ? error.code === 'USAGE' : (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')
    const help = usage ? `Run \`colloquy ${command} --help\` for the usage.\n` : ''
    process.stderr.write(`colloquy ${command}: ${escapeLogLines((error as Error)?.message ?? String(error))}\n${help}`)
    const code = usage && !isColloquyError(error) ? exitCodes.usage : exitCodeOf(error, exitCodes.failed)
    // --format json: scripts read the failure from standard output too.
    if (argv.some((arg, i) => arg === '--format=json' || (arg === '--format' && argv[i + 1] === 'json'))) {
      const { name, message } = error as Error
      const errorCode = isColloquyError(error) ? error.code : undefined
      process.stdout.write(`${JSON.stringify({ ok: false, error: { ...(errorCode ? { code: errorCode } : {}), name, message } })}\n`)
    }
    return code
  }
}

/** A refusal to start over flows on a retired version names the command-line tools that clear it. */
function wayOut(error: unknown, configPath: string): string {
  if (!isColloquyError(error) || error.code !== 'RETIRED_VERSION_IN_FLIGHT') return ''
  const ids = [...new Set((error as RetiredVersionInFlightError).flows.map((f) => f.flowId))]
  return (
    `From the command line: run the previous build with \`colloquy node --config ${configPath} --drain\` until it reports drained, ` +
    `or end the flows with \`colloquy flows kill ${ids.join(' ')} --config ${configPath}\`.\n`
  )
}

/** Options in order, as the operator wrote them; anything a command does not take is named back exactly. */
function parseNodeArguments(command: NodeCommand, argv: readonly string[]): NodeArguments {
  const { tokens } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string' },
      json: { type: 'boolean' },
      drain: { type: 'boolean' },
      rotate: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: false,
    tokens: true,
  })
  let config: string | undefined
  let json = false
  let drain = false
  let rotate = false
  const positional: string[] = []
  for (const token of tokens) {
    const written = argv[token.index]!
    if (token.kind === 'positional' && command === 'flows') positional.push(token.value)
    else if (token.kind === 'option' && token.name === 'config') config = token.value
    else if (token.kind === 'option' && token.name === 'json' && token.value === undefined) json = true
    else if (token.kind === 'option' && token.name === 'drain' && token.value === undefined && command === 'node') drain = true
    else if (token.kind === 'option' && token.name === 'rotate' && token.value === undefined && command === 'identity') rotate = true
    else if (token.kind === 'option' && token.name === 'help') return { help: true, config, json, drain, rotate, positional }
    else throw new UsageError(`unknown argument '${written}'.`)
  }
  return { help: false, config, json, drain, rotate, positional }
}
