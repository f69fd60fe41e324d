/**
 * `colloquy node --config node.json [--json] [--drain]`: runs a node until SIGTERM or SIGINT, printing its
 * events as readable lines or JSON lines.
 */
import { exitCodes } from '../protocol/errors/exit-codes.js'
import type { NodeConfig } from './node-config.js'
import { jsonLines, readableLines } from './node-events.js'
import { startNodeProcess } from './node-process.js'

export async function runNodeCommand(config: NodeConfig, options: { readonly json: boolean }): Promise<number> {
  const write = (line: string): void => void process.stdout.write(line)
  const running = await startNodeProcess(config, options.json ? jsonLines(write) : readableLines(write))
  return new Promise<number>((resolve) => {
    const shutdown = (): void => {
      running.stop().then(
        () => resolve(exitCodes.ok),
        (error: unknown) => {
          process.stderr.write(`colloquy node: stopping failed: ${(error as Error)?.message ?? String(error)}\n`)
          resolve(exitCodes.internal)
        },
      )
    }
    process.once('SIGTERM', shutdown)
    process.once('SIGINT', shutdown)
  })
}
