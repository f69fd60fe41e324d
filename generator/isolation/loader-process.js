// @ts-check
/**
 * Starting the loader child (loader-child.ts): Node with the command line's own options and tsx's loader,
 * told which job's modules to import while it waits for the job on stdin. bin/colloquy.js starts one
 * early, before the TypeScript loader is registered in the command line itself, so the child's start
 * overlaps the command line's; run-isolated.ts takes it when the job is known, or starts a fresh one.
 * Plain JavaScript on `node:` built-ins, so bin/colloquy.js loads it without tsx.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** @typedef {'plan' | 'declared' | 'probe'} JobKind */

/** @type {{ readonly kind: JobKind; readonly child: import('node:child_process').ChildProcess } | undefined} */
let early

/**
 * @param {JobKind} kind
 * @returns {import('node:child_process').ChildProcess}
 */
export function startLoaderChild(kind) {
  const here = path.dirname(fileURLToPath(import.meta.url))
  // loader-child.ts beside this module from source; the loader-child.js bundle when built into dist/.
  const entry = existsSync(path.join(here, 'loader-child.ts')) ? path.join(here, 'loader-child.ts') : path.join(here, 'loader-child.js')
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href
  // The command line's Node options (a preload, --conditions, a heap limit) apply to the files too; a
  // debugger's port would clash, so --inspect stays with the command line. The working folder is the
  // command line's, as when protocol files ran in its process.
  const nodeOptions = process.execArgv.filter((option) => !/^--(inspect|debug)/.test(option))
  return spawn(process.execPath, [...nodeOptions, '--import', tsx, entry, kind], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] })
}

/**
 * Starts a child now for a job of this kind to come. It does not keep the command line alive.
 * @param {JobKind} kind
 */
export function startEarly(kind) {
  const child = startLoaderChild(kind)
  child.unref()
  for (const stream of child.stdio) /** @type {{ unref?: () => void } | null} */ (stream)?.unref?.()
  early = { kind, child }
}

/**
 * The early child when it was started for this kind and is still running, else a new one.
 * @param {JobKind} kind
 * @returns {import('node:child_process').ChildProcess}
 */
export function takeLoaderChild(kind) {
  const taken = early
  if (taken && taken.kind === kind && taken.child.exitCode === null && taken.child.signalCode === null) {
    early = undefined
    taken.child.ref()
    for (const stream of taken.child.stdio) /** @type {{ ref?: () => void } | null} */ (stream)?.ref?.()
    return taken.child
  }
  return startLoaderChild(kind)
}

/** Ends an early child no job was given to. */
export function dropEarly() {
  early?.child.kill('SIGKILL')
  early = undefined
}
