/** What every codegen command is: given the project and the parsed command line, it runs and returns its exit code. */
import type { ProjectLayout } from '../generate.js'
import type { CodegenArguments } from './arguments.js'

export type CodegenCommandRun = (layout: ProjectLayout, args: CodegenArguments) => Promise<number>

/** Lines to stdout and stderr, as the commands print them. */
export const out = (text: string): void => void process.stdout.write(text)
export const err = (text: string): void => void process.stderr.write(text)
