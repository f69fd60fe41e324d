/**
 * Codegen benchmark: cold `colloquy generate` and no-op `colloquy check` over 100 synthetic protocols,
 * tsc cost of generated stubs plus implementations of both roles (and how it scales from 100 to 200
 * protocols), a 1,000-step protocol, the tsc cost of DSL definitions alone as they grow from 200 to 1,000
 * steps, and the length of the compiler error for a protocol violation.
 * Writes bench/results/codegen.json and prints a table. Synthetic projects live in bench/work/ (ignored).
 *
 *   npm run bench:codegen
 */
import { rmSync } from 'node:fs'
import path from 'node:path'
import { measureGeneratePhases } from './codegen/generate-phases.js'
import { cachedModuleCount, coldTsxEnv, expectSuccess, median, timedRun } from './codegen/processes.js'
import { type Metric, type SuiteResult, machine, metric, printTable, writeResult } from './codegen/report.js'
import { plainChainSource, protocolSource, runtimeOnlySource, syntheticProtocol } from './codegen/synthetic-sources.js'
import { type TscResult, runTsc } from './codegen/tsc-run.js'
import { type Workspace, createSourceWorkspace, createWorkspace, repoRoot, runtimeModule, workRoot } from './codegen/workspace.js'

const cli = path.join(repoRoot, 'bin', 'colloquy.js')
const resultFile = path.join(repoRoot, 'bench', 'results', 'codegen.json')
const generateRuns = 3
const checkRuns = 5
const tscRuns = 3

const metrics: Record<string, Metric> = {}
const log = (message: string): void => console.log(`[codegen] ${message}`)

const protocols = (count: number, steps: number) => Array.from({ length: count }, (_, i) => syntheticProtocol(i + 1, steps))
const cliArgs = (ws: Workspace, command: 'generate' | 'check' | 'lock'): string[] => [cli, command, '--root', ws.root, '--runtime', runtimeModule]

/** A fresh process with an empty tsx cache and no previous output, so every file is loaded and written. */
function generateCold(ws: Workspace): number {
  rmSync(path.join(ws.root, 'generated'), { recursive: true, force: true })
  const { env, cacheDir } = coldTsxEnv(workRoot)
  const run = expectSuccess(timedRun(process.execPath, cliArgs(ws, 'generate'), { cwd: ws.root, env }), 'colloquy generate')
  if (cachedModuleCount(cacheDir) === 0) throw new Error(`tsx did not use the cache folder ${cacheDir}; the cold-cache setup no longer works`)
  rmSync(path.dirname(cacheDir), { recursive: true, force: true })
  return run.ms
}

function checkNoop(ws: Workspace, env?: NodeJS.ProcessEnv): number {
  return expectSuccess(timedRun(process.execPath, cliArgs(ws, 'check'), { cwd: ws.root, ...(env ? { env } : {}) }), 'colloquy check (nothing changed)').ms
}

function tscClean(ws: Workspace, what: string): TscResult {
  const result = runTsc(ws.root)
  if (result.run.status !== 0) throw new Error(`tsc over ${what} failed:\n${result.errorLines.slice(0, 40).join('\n')}\n${result.run.stderr}`)
  return result
}

// 1. generate and check over 100 protocols x 20 steps
const ws100 = createWorkspace('p100x20', protocols(100, 20))
log(`generate (cold) x${generateRuns} over ${ws100.protocols.length} protocols in ${ws100.root}`)
const generateMs = Array.from({ length: generateRuns }, () => generateCold(ws100))
log(`  runs: ${generateMs.map((ms) => ms.toFixed(0)).join(', ')} ms`)
const runsNote = (ms: readonly number[]): string => `median of ${ms.length} fresh processes: ${ms.map((m) => m.toFixed(0)).join(', ')} ms`
metrics.generate_cold_100x20_ms = metric(Math.round(median(generateMs)), 'ms', 1500, `empty tsx cache and no previous output each; ${runsNote(generateMs)}`)

// The same work split into phases, each run in a fresh process with an empty tsx cache; medians per phase.
log(`generate phases (cold) x${generateRuns}`)
const phaseRuns = Array.from({ length: generateRuns }, () => {
  const { env, cacheDir } = coldTsxEnv(workRoot)
  const phases = measureGeneratePhases(ws100.root, runtimeModule, env)
  rmSync(path.dirname(cacheDir), { recursive: true, force: true })
  return phases
})
for (const phase of Object.keys(phaseRuns[0]!)) {
  metrics[`generate_phase_${phase}_ms`] = metric(Math.round(median(phaseRuns.map((p) => p[phase]!))), 'ms', undefined, 'cold generate 100x20, by phase')
}

// A released project has a lockfile: check then also compares its 100 version hashes with the manifest's.
expectSuccess(timedRun(process.execPath, cliArgs(ws100, 'lock'), { cwd: ws100.root }), 'colloquy lock')
log(`check (nothing changed, 100 locked versions) x${checkRuns}`)
const checkMs = Array.from({ length: checkRuns }, () => checkNoop(ws100))
log(`  runs: ${checkMs.map((ms) => ms.toFixed(0)).join(', ')} ms`)
metrics.check_noop_ms = metric(Math.round(median(checkMs)), 'ms', 500, `with a lockfile of 100 versions; ${runsNote(checkMs)}`)
// The no-op check against a bare Node start on the same machine in the same run, in alternation so both
// see the same load: absolute times move between machines, the ratio does not (the no-op check answers
// before the TypeScript loader is loaded).
const startPairs = Array.from({ length: 7 }, () => ({
  node: expectSuccess(timedRun(process.execPath, ['-e', '0'], { cwd: ws100.root }), 'node -e 0').ms,
  check: checkNoop(ws100),
}))
const nodeStartMs = median(startPairs.map((pair) => pair.node))
const pairedCheckMs = median(startPairs.map((pair) => pair.check))
metrics.node_startup_ms = metric(Math.round(nodeStartMs), 'ms', undefined, `node -e 0, median of ${startPairs.length} runs alternating with colloquy check`)
metrics.check_noop_over_node_startup = metric(
  Math.round((pairedCheckMs / nodeStartMs) * 100) / 100,
  'ratio',
  2.5,
  `no-op check ${Math.round(pairedCheckMs)} ms / node -e 0 ${Math.round(nodeStartMs)} ms, medians of the alternating runs`,
)

const checkColdMs = Array.from({ length: generateRuns }, () => {
  const { env, cacheDir } = coldTsxEnv(workRoot)
  const ms = checkNoop(ws100, env)
  rmSync(path.dirname(cacheDir), { recursive: true, force: true })
  return ms
})
metrics.check_noop_cold_tsx_cache_ms = metric(Math.round(median(checkColdMs)), 'ms', undefined, 'same, with an empty tsx cache')

// 2. tsc over protocols + generated + implementations, and its growth from 100 to 200 protocols
log(`tsc x${tscRuns} over 100x20`)
const tsc100 = Array.from({ length: tscRuns }, () => tscClean(ws100, '100x20'))
metrics.tsc_100x20_ms = metric(median(tsc100.map((r) => r.totalMs)), 'ms', undefined, 'tsc Total time, median')
metrics.tsc_check_100x20_ms = metric(median(tsc100.map((r) => r.checkMs)), 'ms', undefined, 'tsc Check time, median')
metrics.tsc_instantiations_100x20 = metric(tsc100[0]!.instantiations, 'count')

const ws200 = createWorkspace('p200x20', protocols(200, 20))
expectSuccess(timedRun(process.execPath, cliArgs(ws200, 'generate'), { cwd: ws200.root }), 'colloquy generate (200x20)')
log('tsc over 200x20')
const tsc200 = tscClean(ws200, '200x20')
metrics.tsc_200x20_ms = metric(tsc200.totalMs, 'ms')
metrics.tsc_instantiations_200x20 = metric(tsc200.instantiations, 'count')
metrics.ratio_200_100 = metric(Math.round((tsc200.instantiations / tsc100[0]!.instantiations) * 1000) / 1000, 'ratio', 2.2)

// The runtime and zod are checked in every run; without them the ratio shows the per-protocol growth alone.
log('tsc over the baseline (runtime only)')
const baseline = tscClean(createSourceWorkspace('baseline', { 'runtime-only.ts': runtimeOnlySource }), 'the baseline')
metrics.tsc_instantiations_baseline = metric(baseline.instantiations, 'count', undefined, 'runtime + DSL imported, no protocol')
metrics.ratio_200_100_over_baseline = metric(
  Math.round(((tsc200.instantiations - baseline.instantiations) / (tsc100[0]!.instantiations - baseline.instantiations)) * 1000) / 1000,
  'ratio',
  undefined,
  '(200x20 - baseline) / (100x20 - baseline)',
)

// 3. one 1,000-step protocol (10 pipe segments), generated and checked with both roles implemented
const depthErrors = (r: TscResult): string[] => r.errorCodes.filter((code) => code === 'TS2589' || code === 'TS2321')
const typechecks = (r: TscResult): boolean => !r.crashed && r.run.status === 0 && depthErrors(r).length === 0
const outcome = (r: TscResult): string =>
  r.crashed
    ? `tsc crashed: ${/RangeError[^\n]*/.exec(r.run.stderr)?.[0] ?? `exit ${r.run.status ?? r.run.signal}`}`
    : `${r.errorCodes.length} errors, ${depthErrors(r).length} TS2589/TS2321`

const step1000 = syntheticProtocol(1, 1000)
const ws1000 = createWorkspace('p1x1000', [step1000], { annotateReturns: true })
expectSuccess(timedRun(process.execPath, cliArgs(ws1000, 'generate'), { cwd: ws1000.root }), 'colloquy generate (1,000 steps)')
log('tsc over 1x1000, handlers annotated with their completion type')
const tsc1000 = runTsc(ws1000.root)
if (!typechecks(tsc1000)) log(`  did not type-check: ${outcome(tsc1000)}\n${tsc1000.errorLines.slice(0, 20).join('\n')}`)
metrics.step1000_typechecks = metric(typechecks(tsc1000) ? 1 : 0, 'bool', 1, `handlers annotated with their completion type; ${outcome(tsc1000)}`)
metrics.step1000_tsc_ms = metric(tsc1000.totalMs, 'ms')
metrics.step1000_instantiations = metric(tsc1000.instantiations, 'count')

// The same implementation with inferred handler return types, and plain TypeScript of the same shape with
// no colloquy type at all: if both fail, the limit is the compiler's inference, not the generated stubs.
const wsInferred = createWorkspace('p1x1000-inferred', [step1000])
expectSuccess(timedRun(process.execPath, cliArgs(wsInferred, 'generate'), { cwd: wsInferred.root }), 'colloquy generate (1,000 steps)')
log('tsc over 1x1000, handler return types inferred')
const tscInferred = runTsc(wsInferred.root)
log(`  ${outcome(tscInferred)}`)
metrics.step1000_inferred_returns_typechecks = metric(typechecks(tscInferred) ? 1 : 0, 'bool', undefined, outcome(tscInferred))
log('tsc over plain TypeScript: a 1,000-step chain of await, result inferred')
const tscPlain = runTsc(createSourceWorkspace('plain-chain-1000', { 'chain.ts': plainChainSource(1000) }).root)
log(`  ${outcome(tscPlain)}`)
metrics.plain_ts_chain1000_typechecks = metric(typechecks(tscPlain) ? 1 : 0, 'bool', undefined, `no colloquy types; ${outcome(tscPlain)}`)

// 4. the DSL definition alone (no generated code, no implementation) at growing lengths: its cost per step
// must not grow with the protocol's length. A 1-step definition is the fixed cost (runtime, zod, one schema).
log('tsc over DSL definitions of 1, 50, 200 and 1,000 steps')
const definitionInstantiations = (steps: number): number => {
  const result = tscClean(
    createSourceWorkspace(`definition-${steps}`, { 'definition.ts': protocolSource(syntheticProtocol(1, steps)) }),
    `a ${steps}-step definition`,
  )
  return result.instantiations
}
const definition = Object.fromEntries([1, 50, 200, 1000].map((steps) => [steps, definitionInstantiations(steps)])) as Record<number, number>
for (const steps of [50, 200, 1000]) {
  metrics[`tsc_instantiations_definition_${steps}`] = metric(
    definition[steps]!,
    'count',
    undefined,
    `protocol(...) of ${steps} steps in .pipe() segments of 100`,
  )
}
metrics.tsc_instantiations_definition_1 = metric(definition[1]!, 'count', undefined, 'the fixed cost: a 1-step definition')
const ratio = (a: number, b: number): number => Math.round((a / b) * 1000) / 1000
metrics.ratio_definition_1000_200 = metric(
  ratio(definition[1000]! - definition[1]!, definition[200]! - definition[1]!),
  'ratio',
  5.5,
  '(1,000 steps - 1 step) / (200 steps - 1 step): 5 when linear',
)
metrics.ratio_definition_1000_200_raw = metric(ratio(definition[1000]!, definition[200]!), 'ratio', undefined, 'fixed cost included')

// 5. one violation (receive where the protocol says send) in a 30-step protocol's implementation
const violated = syntheticProtocol(1, 30)
const violationAt = violated.steps.findIndex((step, k) => k >= 14 && step.kind === 'send')
const wsError = createWorkspace('p1x30-violation', [violated], { violationAt })
expectSuccess(timedRun(process.execPath, cliArgs(wsError, 'generate'), { cwd: wsError.root }), 'colloquy generate (30 steps)')
log(`tsc over 1x30 with .receive() on the send state of step ${violationAt + 1}`)
const tscError = runTsc(wsError.root)
if (tscError.errorCodes.length === 0) throw new Error('the protocol violation compiled; the error-text metric cannot be measured')
for (const line of tscError.errorLines) log(`  | ${line}`)
// The violation's own diagnostic: its first line and the indented elaboration lines under it.
const next = tscError.errorLines.findIndex((line, i) => i > 0 && !line.startsWith(' '))
const violationLines = next === -1 ? tscError.errorLines.length : next
metrics.error_lines_30step = metric(
  violationLines,
  'lines',
  5,
  `${tscError.errorCodes[0]}, tsc --pretty false: ${tscError.errorLines[0]!.replace(/^.*error /, '')}`,
)
metrics.error_lines_30step_all = metric(
  tscError.errorLines.length,
  'lines',
  undefined,
  `every error tsc printed for the one violation: ${tscError.errorCodes.join(', ')}`,
)

const result: SuiteResult = { suite: 'codegen', machine: machine(), metrics }
writeResult(resultFile, result)
printTable(result)
console.log(`\nwrote ${path.relative(repoRoot, resultFile)}`)
const missed = Object.entries(metrics).filter(([, m]) => m.ok === false)
if (missed.length > 0) {
  console.log(`missed: ${missed.map(([name]) => name).join(', ')}`)
  process.exitCode = 1
}
