/**
 * Runs a job that executes protocol files (generate's plan, the declared versions of check, lock and
 * versions) in the loader child (loader-child.ts), so a protocol file cannot hang the command line, end it
 * with its own exit code, or print into its output: the child's stdout and stderr go to the command line's
 * stderr, and stdout stays the command's own (`--format json` stays valid). A file that takes longer than
 * the load timeout without progress, ends the process, or leaves something running becomes a
 * GeneratorError naming that file (exit code 3). When several files were loading at once, a probe loads
 * them again one at a time to name the one at fault.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { GeneratorError } from '../generator-error.js'
import { type ChildEvent, type ChildOutcome, type IsolatedJob, defaultLoadTimeoutSeconds, loadTimeoutVariable, probeNeeded } from './isolated-job.js'
import { InternalError } from '../../runtime/protocol/errors/internal-error.js'
import { type ChildEnd, childEndError, childEndText } from './child-end-error.js'
import { failureError } from './failure-error.js'
import { takeLoaderChild } from './loader-process.js'

/** Runs the job in a loader child and returns its value; throws what the child reported, or what went wrong with it. */
export async function runIsolated<T>(job: IsolatedJob): Promise<T> {
  const root = job.kind === 'plan' ? job.layout.root : job.root
  const end = await runChild(job)
  // What a file did, when the child saw it only after several had loaded (something left running, a throw
  // from a callback): its predicate, for the file a probe names.
  let misdeed: string | null = null
  if (end.kind === 'outcome') {
    if (end.outcome.ok) return end.outcome.value as T
    if (end.outcome.failure.code !== probeNeeded) throw failureError(end.outcome.failure)
    misdeed = end.outcome.failure.message
  }
  // Name the file at fault: load the suspects (the files still loading, or every file started when the
  // misdeed showed only afterwards) again, one at a time.
  const suspects = [...(end.kind === 'outcome' ? end.started : end.pending)].sort()
  if (job.kind !== 'probe' && suspects.length > 1) {
    const probe = await runChild({ kind: 'probe', root, files: suspects })
    if (probe.kind === 'outcome' && !probe.outcome.ok) throw failureError(probe.outcome.failure)
    if (probe.kind !== 'outcome') throw childEndError(probe, probe.pending[0] ?? suspects[0]!)
  }
  if (end.kind !== 'outcome') {
    // Before any protocol file started, the fault is not in one: the child could not start (its output is above).
    if (end.started.length === 0) throw new InternalError(`the process that loads protocol files ${childEndText(end)} before loading any`)
    throw childEndError(end, end.pending[0] ?? suspects[0] ?? 'protocols')
  }
  // One suspect, or a probe that did not see it happen again.
  const who = suspects.length === 1 ? 'this protocol file' : `one of these protocol files (${suspects.join(', ')})`
  throw new GeneratorError(`${who} ${misdeed}`, { file: suspects[0] ?? 'protocols' })
}

type RunEnd = { readonly kind: 'outcome'; readonly outcome: ChildOutcome; readonly started: readonly string[] } | ChildEnd

function runChild(job: IsolatedJob): Promise<RunEnd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'colloquy-load-'))
  const resultFile = path.join(dir, 'result.json')
  const timeoutMs = loadTimeoutSeconds() * 1000
  const child = takeLoaderChild(job.kind)
  child.stdin!.end(JSON.stringify({ job, resultFile }))
  // The protocol files' own output: shown, but on stderr, never mixed into the command's stdout.
  child.stdout!.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  const pending = new Set<string>()
  const started: string[] = []
  let loadingDone = false
  let done = false
  return new Promise<RunEnd>((resolve) => {
    let timer: NodeJS.Timeout | undefined
    const settle = (result: RunEnd): void => {
      clearTimeout(timer)
      // A child that reported its outcome ends itself; it gets a moment to (its exit handlers run), then is killed.
      if (result.kind !== 'outcome') child.kill('SIGKILL')
      else if (child.exitCode === null && child.signalCode === null) {
        const grace = setTimeout(() => child.kill('SIGKILL'), 200)
        child.once('exit', () => clearTimeout(grace))
      }
      rmSync(dir, { recursive: true, force: true })
      resolve(result)
    }
    // No progress for the load timeout while a file loads: that file loops or awaits forever. Starting
    // the child (before the first file) and the generator's own work after the last get ten times as long.
    const arm = (): void => {
      clearTimeout(timer)
      const loading = pending.size > 0 && !loadingDone
      timer = setTimeout(() => settle({ kind: 'timeout', seconds: timeoutMs / 1000, pending: [...pending], started }), loading ? timeoutMs : timeoutMs * 10)
    }
    arm()
    // The end of the process is judged once its progress has all been read (or a second after it exited).
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined
    let progressEnded = false
    const ended = (): void => {
      if (!done && exited && progressEnded) settle({ kind: 'exited', ...exited, pending: [...pending], started })
    }
    const progress = createInterface({ input: child.stdio[3] as NodeJS.ReadableStream })
    progress.on('close', () => {
      progressEnded = true
      ended()
    })
    progress.on('line', (line) => {
      const event = parseEvent(line)
      if (!event) return
      if (event.kind === 'loading') {
        pending.add(event.file)
        started.push(event.file)
      } else if (event.kind === 'loaded') pending.delete(event.file)
      else if (event.kind === 'all-loaded') loadingDone = true
      else if (event.kind === 'done') {
        done = true
        settle({ kind: 'outcome', outcome: JSON.parse(readFileSync(resultFile, 'utf8')) as ChildOutcome, started })
        return
      }
      arm()
    })
    child.on('error', () => {
      exited = { code: null, signal: null }
      progressEnded = true
      ended()
    })
    child.on('exit', (code, signal) => {
      exited = { code, signal }
      ended()
      setTimeout(() => {
        progressEnded = true
        ended()
      }, 1000).unref()
    })
  })
}

/** A progress line, or null for anything else written to the descriptor (a protocol file could). */
function parseEvent(line: string): ChildEvent | null {
  try {
    const event = JSON.parse(line) as ChildEvent
    return typeof event === 'object' && event !== null && typeof event.kind === 'string' ? event : null
  } catch {
    return null
  }
}

function loadTimeoutSeconds(): number {
  const configured = Number(process.env[loadTimeoutVariable])
  return Number.isFinite(configured) && configured > 0 ? configured : defaultLoadTimeoutSeconds
}
