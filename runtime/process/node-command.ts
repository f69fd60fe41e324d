/**
 * `colloquy node --config node.json [--json] [--drain]`: runs a node until SIGTERM or SIGINT, printing its
 * events as readable lines or JSON lines, or until a fatal error stops the node (exit 1).
 */
import { escapeLogText } from '../codec/log-text.js'
import { exitCodes } from '../protocol/errors/exit-codes.js'
import type { NodeConfig } from './node-config.js'
import { jsonLines, readableLines } from './node-events.js'
import { startNodeProcess } from './node-process.js'

export async function runNodeCommand(config: NodeConfig, options: { readonly json: boolean }): Promise<number> {
  const write = (line: string): void => void process.stdout.write(line)
  // Listen before starting: a supervisor may send SIGTERM as soon as it reads `ready`, and a signal that
  // arrives while the node starts stops it once it is up, cleanly, instead of killing it half-open.
  let requestStop!: () => void
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve))
  const onSignal = (): void => requestStop()
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
  try {
    const running = await startNodeProcess(config, options.json ? jsonLines(write) : readableLines(write))
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
  }
}
