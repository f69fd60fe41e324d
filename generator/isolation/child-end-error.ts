/** How a loader child ended without an outcome, as the error that names the protocol file it was loading. */
import { GeneratorError } from '../generator-error.js'
import { loadTimeoutVariable } from './isolated-job.js'

export type ChildEnd =
  | { readonly kind: 'timeout'; readonly seconds: number; readonly pending: readonly string[]; readonly started: readonly string[] }
  | {
      readonly kind: 'exited'
      readonly code: number | null
      readonly signal: NodeJS.Signals | null
      readonly pending: readonly string[]
      readonly started: readonly string[]
    }

export function childEndError(end: ChildEnd, file: string): GeneratorError {
  const advice = 'A protocol file should only declare protocols; fix it and run colloquy again.'
  if (end.kind === 'timeout') {
    return new GeneratorError(
      `this protocol file did not finish loading within ${end.seconds} s: it loops, or awaits something that never settles at its top level. ${advice} (${loadTimeoutVariable} sets the limit in seconds.)`,
      { file },
    )
  }
  if (end.code === 0 || end.code === 13) {
    return new GeneratorError(`this protocol file never finished loading: its top-level await never settles, and nothing was left to wait for. ${advice}`, {
      file,
    })
  }
  return new GeneratorError(`loading this protocol file ${childEndText(end)} (process.exit() or a crash). ${advice}`, { file })
}

/** `ended the process with exit code 7`, `did not answer within 20 s`. */
export function childEndText(end: ChildEnd): string {
  if (end.kind === 'timeout') return `did not answer within ${end.seconds} s`
  return `ended the process ${end.signal ? `with signal ${end.signal}` : `with exit code ${end.code}`}`
}
