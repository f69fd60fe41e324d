/** `colloquy init`: scaffolds protocols/ with an example, the tsconfig fragment and the package scripts, in an empty or existing project. */
import { exitCodes } from '../../runtime/protocol/errors/exit-codes.js'
import { scaffold } from '../init/scaffold.js'
import { type CodegenCommandRun, out } from './command.js'

export const run: CodegenCommandRun = async (layout) => {
  for (const line of scaffold(layout)) out(`${line}\n`)
  return exitCodes.ok
}
