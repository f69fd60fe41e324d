/**
 * The code generator's command line: `colloquy init | generate | check | lock | versions | help`. Diagnostics go to
 * stderr as `path:line:col: message`; exit codes are distinct per outcome so builds can tell them apart.
 * Each command is its own module, imported only when asked for. (`colloquy node | identity | flows` is the
 * runtime's command line, runtime/process/cli.ts; bin/colloquy.js picks one of the two.)
 */
import { exitCodes } from '../../runtime/protocol/errors/exit-codes.js'
import { type CodegenArguments, type CodegenCommand, parseArguments } from './arguments.js'
import type { CodegenCommandRun } from './command.js'
import { helpText } from './help-text.js'
import { packageVersion } from './package-version.js'
import { projectLayout } from './project-layout.js'
import { reportFailure } from './report-failure.js'

const commands: Readonly<Record<CodegenCommand, () => Promise<{ run: CodegenCommandRun }>>> = {
  generate: () => import('./generate.js'),
  check: () => import('./check.js'),
  lock: () => import('./lock.js'),
  versions: () => import('./versions.js'),
  init: () => import('./init.js'),
}

export async function main(argv: readonly string[]): Promise<number> {
  const write = (text: string): void => void process.stderr.write(text)
  let args: CodegenArguments
  try {
    args = parseArguments(argv)
  } catch (error) {
    return reportFailure(error, process.cwd(), write)
  }
  if (args.command === 'help') {
    process.stdout.write(helpText)
    return exitCodes.ok
  }
  if (args.command === 'version') {
    process.stdout.write(`${packageVersion()}\n`)
    return exitCodes.ok
  }
  const layout = projectLayout(args)
  try {
    const { run } = await commands[args.command]()
    return await run(layout, args)
  } catch (error) {
    return reportFailure(error, layout.root, write)
  }
}
