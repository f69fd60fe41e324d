/**
 * `colloquy node --config node.json [--json] [--drain]`: runs a node until SIGTERM or SIGINT, printing its
 * events as readable lines or JSON lines, or until a fatal error stops the node (exit 1). SIGHUP reloads the
 * network map (map-reload.ts).
 */
import { escapeLogText } from '../codec/log-text.js'
import { exitCodes } from '../protocol/errors/exit-codes.js'
import type { NodeConfig } from './node-config.js'
import { jsonLines, readableLines } from './node-events.js'
import { reloadNetworkMap } from './map-reload.js'
import { type RunningNode, startNodeProcess } from './node-process.js'

export async function runNodeCommand(config: NodeConfig, options: { readonly json: boolean }): Promise<number> {
  const write = (line: string): void => void process.stdout.write(line)
  // Listen before starting: a supervisor may send SIGTERM as soon as it reads `ready`, and a signal that
  // arrives while the node starts stops it once it is up, cleanly, instead of killing it half-open.
  let requestStop!: () => void
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve))
  const onSignal = (): void => requestStop()
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
  // Handled from the start, so a SIGHUP while the node starts does not end it (the start reads the map anyway).
  let running: RunningNode | undefined
  const sink = options.json ? jsonLines(write) : readableLines(write)
  const onHangup = (): void => void (running && reloadNetworkMap(config, running.network, sink))
  process.on('SIGHUP', onHangup)
  try {
    running = await startNodeProcess(config, sink)
    // A node that stopped on its own logged why (once); the process ends instead of listening half alive.
    if ((await Promise.race([stopRequested.then(() => 'stop'), running.failed.then(() => 'failed')])) === 'failed') return exitCodes.failed
    try {
      await running.stop()
      return exitCodes.ok
    } catch (error) {
      process.stderr.write(`colloquy node: stopping failed: ${escapeLogText((error as Error)?.message ?? String(error))}\n`)
      return exitCodes.internal
    }
  } finally {
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
    process.off('SIGHUP', onHangup)
  }
}
