/**
 * What the command line asks the loader child to do, and what the child reports back. Jobs and results
 * cross the process boundary as JSON; progress goes line by line on file descriptor 3, written
 * synchronously, so the last file a child started is known even when that file never gives control back.
 */
import type { ProjectLayout } from '../generate.js'

export type IsolatedJob =
  /** planGeneration: generated outputs and manifest (outputs as entries). */
  | { readonly kind: 'plan'; readonly layout: ProjectLayout }
  /** loadDeclaredFamilies: every declared version's snapshot. */
  | { readonly kind: 'declared'; readonly root: string; readonly protocolsDir: string }
  /** Only load these files, one at a time, to find which one misbehaves. */
  | { readonly kind: 'probe'; readonly root: string; readonly files: readonly string[] }

export type ChildEvent =
  | { readonly kind: 'loading'; readonly file: string }
  | { readonly kind: 'loaded'; readonly file: string }
  /** Every protocol file has loaded; what remains is the generator's own work. */
  | { readonly kind: 'all-loaded' }
  /** The outcome is in the result file. */
  | { readonly kind: 'done' }

/**
 * The failure code of a misdeed the child saw only after several files had loaded (something left running,
 * a throw from a callback): its message is the predicate ("leaves Timeout running ..."), and the command
 * line probes the files one at a time to say which file did it.
 */
export const probeNeeded = 'PROBE_NEEDED'

/** A failure, as data: a GeneratorError's message and place, or any other error's text. */
export interface SerializedFailure {
  readonly code: string | null
  readonly name: string
  readonly message: string
  readonly file: string | null
  readonly at: { readonly file: string; readonly line: number; readonly column: number } | null
  readonly stack: string | null
}

export type ChildOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly failure: SerializedFailure }

/** The environment variable that sets how long a protocol file may take to load, in seconds. */
export const loadTimeoutVariable = 'COLLOQUY_LOAD_TIMEOUT'
export const defaultLoadTimeoutSeconds = 20
