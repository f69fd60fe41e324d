/** `colloquy lock [--force] [--prune]`: records the declared versions; exit 5 when a changed locked version stopped it. */
import { exitCodes } from '../../runtime/protocol/errors/exit-codes.js'
import { runLockCommand } from '../lock/lock-command.js'
import { type CodegenCommandRun, err, out } from './command.js'

export const run: CodegenCommandRun = async (layout, { force, prune }) => {
  const output = { out: (line: string) => out(`${line}\n`), err: (line: string) => err(`${line}\n`) }
  return (await runLockCommand(layout, { force, prune }, output)) ? exitCodes.ok : exitCodes.incompatible
}
