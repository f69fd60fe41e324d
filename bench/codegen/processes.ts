/**
 * Timed child processes. Every measurement runs in a fresh process, so module loading and the tsx
 * transform are part of what is measured, as they are for a user running the CLI.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface ProcessRun {
  readonly ms: number
  readonly status: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export function timedRun(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): ProcessRun {
  const started = performance.now()
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  const ms = performance.now() - started
  if (result.error) throw result.error
  return { ms, status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr }
}

/** Throws with the process output when it did not exit 0, so a broken run never becomes a figure. */
export function expectSuccess(run: ProcessRun, what: string): ProcessRun {
  if (run.status !== 0) throw new Error(`${what} exited with ${run.status ?? run.signal}:\n${run.stdout}\n${run.stderr}`)
  return run
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * An environment whose tsx transform cache is empty. tsx keeps its cache in `os.tmpdir()/tsx-<uid>`;
 * pointing TMPDIR at a new empty folder gives the child a cold cache without deleting the shared one
 * other processes on this machine may be using at the same moment.
 */
export function coldTsxEnv(parent: string): { readonly env: NodeJS.ProcessEnv; readonly cacheDir: string } {
  const tmp = mkdtempSync(path.join(parent, 'tmp-'))
  return { env: { ...process.env, TMPDIR: tmp }, cacheDir: path.join(tmp, `tsx-${os.userInfo().uid}`) }
}

/** Number of transformed modules tsx cached: proves the run started cold and went through the cache dir. */
export function cachedModuleCount(cacheDir: string): number {
  try {
    return readdirSync(cacheDir).length
  } catch {
    return 0
  }
}
