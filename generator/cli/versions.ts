/** `colloquy versions [protocol]`: each protocol's versions, lock state and what a node built from the tree offers. */
import { exitCodes } from '../../runtime/protocol/errors/exit-codes.js'
import { runVersionsCommand } from '../versions/versions-command.js'
import { type CodegenCommandRun, out } from './command.js'

export const run: CodegenCommandRun = async (layout, { format, protocol }) => {
  // The arguments refuse github and sarif for versions.
  await runVersionsCommand(layout, format === 'json' ? 'json' : 'text', protocol, out)
  return exitCodes.ok
}
