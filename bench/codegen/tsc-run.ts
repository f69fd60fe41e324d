/** Runs the repository's tsc over a synthetic project and reads its `--extendedDiagnostics` figures. */
import path from 'node:path'
import { type ProcessRun, timedRun } from './processes.js'
import { repoRoot } from './workspace.js'

const tscBin = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc')

export interface TscResult {
  readonly run: ProcessRun
  readonly instantiations: number
  readonly checkMs: number
  readonly totalMs: number
  /** Error lines (`file(line,col): error TSnnnn: ...` and their indented elaboration), diagnostics block excluded. */
  readonly errorLines: readonly string[]
  readonly errorCodes: readonly string[]
  /** Killed, out of memory or a stack overflow inside the compiler rather than a reported error. */
  readonly crashed: boolean
}

export function runTsc(projectRoot: string): TscResult {
  const run = timedRun(process.execPath, [tscBin, '-p', projectRoot, '--noEmit', '--extendedDiagnostics', '--pretty', 'false'], { cwd: projectRoot })
  const output = `${run.stdout}\n${run.stderr}`
  const figure = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+([\\d.]+)(s|K)?$`, 'm').exec(run.stdout)
    return match ? Number(match[1]) : Number.NaN
  }
  const lines = run.stdout.split('\n')
  const firstDiagnostic = lines.findIndex((l) => /^Files:\s+\d+$/.test(l))
  const errorLines = (firstDiagnostic === -1 ? lines : lines.slice(0, firstDiagnostic)).filter((l) => l.trim() !== '')
  const errorCodes = [...run.stdout.matchAll(/error (TS\d+):/g)].map((m) => m[1]!)
  const crashed =
    run.signal !== null ||
    (run.status !== 0 && run.status !== 1 && run.status !== 2) ||
    /RangeError: Maximum call stack|heap out of memory|FATAL ERROR/.test(output)
  return {
    run,
    instantiations: figure('Instantiations'),
    checkMs: Math.round(figure('Check time') * 1000),
    totalMs: Math.round(figure('Total time') * 1000),
    errorLines,
    errorCodes,
    crashed,
  }
}
