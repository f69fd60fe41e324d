/**
 * Runs a job that executes protocol files (generate's plan, the declared versions of check, lock and
 * versions) in the loader child (loader-child.ts), so a protocol file cannot hang the command line, end it
 * with its own exit code, or print into its output: the child's stdout and stderr go to the command line's
 * stderr, and stdout stays the command's own (`--format json` stays valid). A file that takes longer than
 * the load timeout without progress, ends the process, or leaves something running becomes a
 * GeneratorError naming that file (exit code 3). When several files were loading at once, a probe loads
 * them again one at a time to name the one at fault.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { GeneratorError } from '../generator-error.js'
import { type ChildEvent, type ChildOutcome, type IsolatedJob, defaultLoadTimeoutSeconds, loadTimeoutVariable } from './isolated-job.js'
import { type ChildEnd, childEndError } from './child-end-error.js'
import { failureError } from './failure-error.js'

/** Runs the job in a loader child and returns its value; throws what the child reported, or what went wrong with it. */
export async function runIsolated<T>(job: IsolatedJob): Promise<T> {
  const root = job.kind === 'plan' ? job.layout.root : job.root
  const end = await runChild(job)
  if (end.kind === 'outcome') {
    if (end.outcome.ok) return end.outcome.value as T
    if (end.outcome.failure.code !== 'LEFTOVER') throw failureError(end.outcome.failure)
  }
  // Name the file at fault: load the files that were loading (all of them, for a leftover) one at a time.
  const suspects = [...(end.kind === 'outcome' ? end.loaded : end.pending)].sort()
  if (job.kind !== 'probe' && suspects.length > 1) {
    const probe = await runChild({ kind: 'probe', root, files: suspects })
    if (probe.kind === 'outcome' && !probe.outcome.ok) throw failureError(probe.outcome.failure)
    if (probe.kind !== 'outcome') throw childEndError(probe, probe.pending[0] ?? suspects[0]!)
  }
  if (end.kind === 'outcome') {
    throw new GeneratorError(
      `one of these protocol files leaves a timer, server or socket running after it loads: ${suspects.join(', ')}. A protocol file should only declare protocols; start such things in the code that runs flows, and run colloquy again.`,
      { file: suspects[0] ?? 'protocols' },
    )
  }
  throw childEndError(end, end.pending[0] ?? suspects[0] ?? 'protocols')
}

type RunEnd = { readonly kind: 'outcome'; readonly outcome: ChildOutcome; readonly loaded: readonly string[] } | ChildEnd

function runChild(job: IsolatedJob): Promise<RunEnd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'colloquy-load-'))
  const jobFile = path.join(dir, 'job.json')
  const resultFile = path.join(dir, 'result.json')
  writeFileSync(jobFile, JSON.stringify(job))
  const timeoutMs = loadTimeoutSeconds() * 1000
  const child = spawn(process.execPath, ['--import', tsxLoader(), childEntry(), jobFile, resultFile], {
    cwd: job.kind === 'plan' ? job.layout.root : job.root,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  })
  // The protocol files' own output: shown, but on stderr, never mixed into the command's stdout.
  child.stdout!.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  const pending = new Set<string>()
  const loaded: string[] = []
  let loadingDone = false
  let done = false
  return new Promise<RunEnd>((resolve) => {
    let timer: NodeJS.Timeout | undefined
    const settle = (result: RunEnd): void => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
      resolve(result)
    }
    // No progress for the load timeout while a file loads: that file loops or awaits forever. Starting
    // the child (before the first file) and the generator's own work after the last get ten times as long.
    const arm = (): void => {
      clearTimeout(timer)
      const loading = pending.size > 0 && !loadingDone
      timer = setTimeout(() => settle({ kind: 'timeout', seconds: timeoutMs / 1000, pending: [...pending] }), loading ? timeoutMs : timeoutMs * 10)
    }
    arm()
    // The end of the process is judged once its progress has all been read (or a second after it exited).
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined
    let progressEnded = false
    const ended = (): void => {
      if (!done && exited && progressEnded) settle({ kind: 'exited', ...exited, pending: [...pending] })
    }
    const progress = createInterface({ input: child.stdio[3] as NodeJS.ReadableStream })
    progress.on('close', () => {
      progressEnded = true
      ended()
    })
    progress.on('line', (line) => {
      const event = parseEvent(line)
      if (!event) return
      if (event.kind === 'loading') pending.add(event.file)
      else if (event.kind === 'loaded') {
        pending.delete(event.file)
        loaded.push(event.file)
      } else if (event.kind === 'all-loaded') loadingDone = true
      else if (event.kind === 'done') {
        done = true
        settle({ kind: 'outcome', outcome: JSON.parse(readFileSync(resultFile, 'utf8')) as ChildOutcome, loaded })
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

/** tsx's ES module loader, resolved from this package (the project may not have tsx itself). */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href
}

/** loader-child.ts beside this module from source; the loader-child.js bundle in dist/ when built. */
function childEntry(): string {
  const here = fileURLToPath(import.meta.url)
  return path.join(path.dirname(here), here.endsWith('.ts') ? 'loader-child.ts' : 'loader-child.js')
}
