/**
 * `colloquy node --config node.json [--json]` runs a node until SIGTERM or SIGINT; `colloquy identity
 * --config node.json` creates the node's key pair if needed and prints its network-map entry.
 */
import { loadOrCreateIdentity, publicKeyText } from '../transport/identity.js'
import { NodeConfigError, readNodeConfig } from './node-config.js'
import { jsonLines, readableLines } from './node-events.js'
import { startNodeProcess } from './node-process.js'

export const nodeCommandHelp = `Usage:
  colloquy node --config <node.json> [--json]
      Runs a node: opens its database, resumes unfinished flows, joins the network and starts the
      config's \`start\` flows that never ran. Stops cleanly on SIGTERM or SIGINT.
      --json prints one JSON event per line instead of readable lines.
  colloquy identity --config <node.json>
      Creates the node's Ed25519 key pair beside its database if missing and prints its network-map entry.

node.json fields (paths relative to the file):
  name, database, listen ("host:port"), networkMap, app (module default-exporting nodeApp({ flows, responders }))
  optional: keyFile (default <database>.key), durability ("full" | "fast"), drain, maxFrameBytes,
            redeliverAfterMs, evictIdleAfterMs, start ([{ "flow", "id", "args" }])
`

export async function nodeCommand(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv
  let configPath: string | undefined
  let json = false
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!
    if (arg === '--config') configPath = rest[++i]
    else if (arg === '--json') json = true
    else if (arg === '-h' || arg === '--help') {
      process.stdout.write(nodeCommandHelp)
      return 0
    } else {
      process.stderr.write(`colloquy ${command}: unknown argument '${arg}'.\n${nodeCommandHelp}`)
      return 2
    }
  }
  if (!configPath) {
    process.stderr.write(`colloquy ${command}: --config <node.json> is required.\n${nodeCommandHelp}`)
    return 2
  }
  try {
    const config = readNodeConfig(configPath)
    if (command === 'identity') {
      const identity = loadOrCreateIdentity(config.name, config.keyFile)
      const entry = { name: config.name, address: `${config.listen.host}:${config.listen.port}`, publicKey: publicKeyText(identity) }
      process.stdout.write(`${JSON.stringify(entry)}\n`)
      return 0
    }
    const sink = json ? jsonLines((line) => process.stdout.write(line)) : readableLines((line) => process.stdout.write(line))
    const running = await startNodeProcess(config, sink)
    return await new Promise<number>((resolve) => {
      const shutdown = (): void => {
        running.stop().then(
          () => resolve(0),
          (error: unknown) => {
            process.stderr.write(`colloquy node: stopping failed: ${(error as Error)?.message ?? String(error)}\n`)
            resolve(4)
          },
        )
      }
      process.once('SIGTERM', shutdown)
      process.once('SIGINT', shutdown)
    })
  } catch (error) {
    if (error instanceof NodeConfigError || (error as Error)?.name?.endsWith('Error')) {
      process.stderr.write(`colloquy ${command}: ${(error as Error).message}\n`)
      return error instanceof NodeConfigError ? 2 : 3
    }
    throw error
  }
}
