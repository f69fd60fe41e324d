/** The `colloquy flows` subcommands on a node config: list (default) and kill. */
import { exitCodes } from '../protocol/errors/exit-codes.js'
import { formatFlows, killFlows, unfinishedFlows } from './flows-command.js'
import type { NodeConfig } from './node-config.js'

export async function flowsCommand(config: NodeConfig, positional: readonly string[]): Promise<number> {
  const [action, ...ids] = positional
  if (action === undefined || action === 'list') {
    process.stdout.write(formatFlows(await unfinishedFlows(config.store), config.name))
    return exitCodes.ok
  }
  if (action !== 'kill') {
    process.stderr.write(
      `colloquy flows: unknown action '${action}'; use \`colloquy flows --config <node.json>\` to list, or \`colloquy flows kill <flowId>... --config <node.json>\`.\n`,
    )
    return exitCodes.usage
  }
  if (ids.length === 0) {
    process.stderr.write(`colloquy flows kill: name the flows to kill; \`colloquy flows --config ${config.file}\` lists them.\n`)
    return exitCodes.usage
  }
  const missing = await killFlows(config, ids, (line) => process.stdout.write(line))
  if (missing.length === 0) return exitCodes.ok
  process.stderr.write(
    `colloquy flows kill: no unfinished flow ${missing.join(', ')} on ${config.name}; \`colloquy flows --config ${config.file}\` lists them.\n`,
  )
  return exitCodes.failed
}
