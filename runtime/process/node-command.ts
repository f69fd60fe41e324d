/**
 * `colloquy node --config node.json [--json]` runs a node until SIGTERM or SIGINT; `colloquy identity
 * --config node.json` creates the node's key pair if needed and prints its network-map entry.
 */
import { IdentityError, loadOrCreateIdentity, publicKeyText } from '../transport/identity.js'
import { NetworkMapError } from '../transport/network-map.js'
import { RetiredVersionInFlightError } from '../engine/engine-errors.js'
import { flowsCommand } from './flows-cli.js'
import { NodeAppError } from './node-app.js'
import { NodeConfigError, readNodeConfig } from './node-config.js'
import { jsonLines, readableLines } from './node-events.js'
import { startNodeProcess } from './node-process.js'

export const nodeCommandHelp = `Usage:
  colloquy node --config <node.json> [--json] [--drain]
      Runs a node: opens its database, resumes unfinished flows, joins the network and starts the
      config's \`start\` flows that never ran. Stops cleanly on SIGTERM or SIGINT.
      --json   prints one JSON event per line instead of readable lines
      --drain  drain mode for upgrades: finishes the flows in flight, takes no new work, reports when
               drained (same as "drain": true in node.json)
  colloquy flows --config <node.json>
      Lists the node's unfinished flows (id, name, sessions with protocol version and counterparty).
  colloquy flows kill <flowId>... --config <node.json>
      Ends those flows as an operator (run it while the node is stopped): the counterparties see the
      flow end. For flows in flight on a protocol version the build no longer declares.
  colloquy identity --config <node.json>
      Creates the node's Ed25519 key pair beside its database if missing and prints its network-map entry.

node.json fields (paths relative to the file):
  name, database, listen ("host:port"), networkMap,
  app (a module default-exporting nodeApp({ flows, responders, protocols }))
  optional: keyFile (default <database>.key), durability ("full" | "fast"), drain, maxFrameBytes,
            redeliverAfterMs, evictIdleAfterMs, start ([{ "flow", "id", "args" }])

Exit codes: 0 stopped cleanly, 1 the node refused to start or failed, 2 bad config, key, network map or app.
`

export async function nodeCommand(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv
  let configPath: string | undefined
  let json = false
  let drain = false
  const positional: string[] = []
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!
    if (arg === '--config') configPath = rest[++i]
    else if (arg === '--json') json = true
    else if (arg === '--drain' && command === 'node') drain = true
    else if (command === 'flows' && !arg.startsWith('-')) positional.push(arg)
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
    const read = readNodeConfig(configPath)
    if (command === 'flows') return await flowsCommand(read, positional)
    const config = drain ? { ...read, drain } : read
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
    // Setup problems (config, key, network map, app module) are the operator's to fix: exit 2; a node that
    // refuses to start (e.g. flows in flight on a retired protocol version) or cannot listen: exit 1.
    if (error instanceof RetiredVersionInFlightError) {
      process.stderr.write(
        `colloquy ${command}: ${error.message}\nFrom the command line: run the previous build with \`colloquy node --config ${configPath} --drain\` until it reports drained, ` +
          `or end the flows with \`colloquy flows kill ${[...new Set(error.flows.map((f) => f.flowId))].join(' ')} --config ${configPath}\`.\n`,
      )
      return 1
    }
    const setup = error instanceof NodeConfigError || error instanceof NodeAppError || error instanceof IdentityError || error instanceof NetworkMapError
    process.stderr.write(`colloquy ${command}: ${(error as Error)?.message ?? String(error)}\n`)
    return setup ? 2 : 1
  }
}
