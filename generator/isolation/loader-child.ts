/**
 * The loader child: the process in which protocol files run. `colloquy generate | check | lock |
 * versions` start it (run-isolated.ts) with the TypeScript loader, a job file and a result file; it
 * reports each file it starts and finishes on file descriptor 3, writes the outcome as JSON and says
 * `done`. Its stdout and stderr are the protocol files' own, kept apart from the command line's output.
 * Whatever a protocol file does here (loop, leave a timer, end the process, throw anything) the command
 * line sees as data, never as its own hang, exit code or stack trace.
 */
import { writeFileSync, writeSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { isColloquyError } from '../../runtime/protocol/index.js'
import { GeneratorError } from '../generator-error.js'
import { describeThrown, thrownMessage } from '../thrown-value.js'
import { type LoadObserver, loadProtocolFiles } from '../load-protocols.js'
import { type ChildEvent, type ChildOutcome, type IsolatedJob, type SerializedFailure, probeNeeded } from './isolated-job.js'
import { leftoverResources, resourceCounts } from './leftover-resources.js'

// Kept before any protocol file runs, which might replace them.
const stringify = JSON.stringify
const exit = process.exit.bind(process)
const onlyDeclare =
  'A protocol file should only declare protocols: start such things in the code that runs flows, fix the failing code, and run colloquy again.'

// Run as a process (node --import tsx loader-child.ts <job kind>, the job on stdin), never on import.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // The job's modules load while the command line decides the job (loader-process.js starts this early).
  const kind = process.argv[2] as IsolatedJob['kind']
  const modules = kind === 'plan' ? import('../generate.js') : kind === 'declared' ? import('../lock/declared-versions.js') : Promise.resolve()
  modules.catch(() => {}) // a failure shows again where the job imports them
  const request = await readStdin()
  // No job: the command line ended without one.
  if (request === '') exit(0)
  const { job, resultFile } = JSON.parse(request) as { job: IsolatedJob; resultFile: string }
  await serve(job, resultFile)
}

async function serve(job: IsolatedJob, resultFile: string): Promise<void> {
  let lastStarted: string | undefined
  let finished = false

  const report = (event: ChildEvent): void => void writeSync(3, `${stringify(event)}\n`)

  function finish(outcome: ChildOutcome): void {
    if (finished) return
    finished = true
    writeFileSync(resultFile, stringify(outcome))
    report({ kind: 'done' })
    exit(0)
  }

  // An error thrown from a protocol file's callback (a timer, a promise nobody awaits) ends the job, not the
  // process with a stack trace. One file at a time, it is the last file started's; otherwise a probe finds it.
  const thrownLater = (error: unknown): void => {
    const predicate = `threw ${describeThrown(error)} from a callback or an unawaited promise while it loaded. ${onlyDeclare}`
    if (job.kind === 'probe' && lastStarted !== undefined)
      finish({ ok: false, failure: failure(new GeneratorError(`this protocol file ${predicate}`, { file: lastStarted })) })
    else finish({ ok: false, failure: probeFailure(predicate) })
  }
  process.on('uncaughtException', thrownLater)
  process.on('unhandledRejection', thrownLater)

  let baseline = resourceCounts()
  const observer: LoadObserver = {
    loading(file) {
      lastStarted = file
      report({ kind: 'loading', file })
    },
    async loaded(file) {
      report({ kind: 'loaded', file })
      if (job.kind !== 'probe') return
      // What the file started without waiting (a server's listen, a lookup) gets a moment to show up.
      await settleMoment(20)
      const left = leftoverResources(baseline)
      baseline = resourceCounts()
      if (left.length > 0) throw new GeneratorError(`this protocol file ${leftoverPredicate(left)}`, { file })
    },
    async allLoaded() {
      report({ kind: 'all-loaded' })
      if (job.kind === 'probe') return
      await settleMoment(0)
      // Several files loaded at once: which one left something running is found by a probe, one at a time.
      const left = leftoverResources(baseline)
      if (left.length > 0) finish({ ok: false, failure: probeFailure(leftoverPredicate(left)) })
    },
  }

  try {
    finish({ ok: true, value: await run(job, observer) })
  } catch (error) {
    finish({ ok: false, failure: failure(error) })
  }
}

function readStdin(): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    process.stdin.setEncoding('utf8')
    process.stdin.on('data', (chunk: string) => (text += chunk))
    process.stdin.on('end', () => resolve(text))
    process.stdin.on('error', () => resolve(''))
  })
}

function leftoverPredicate(kinds: readonly string[]): string {
  return `leaves ${kinds.join(', ')} running after it loads (a timer, interval, server or socket). ${onlyDeclare}`
}

function probeFailure(predicate: string): SerializedFailure {
  return { code: probeNeeded, name: 'GeneratorError', message: predicate, file: null, at: null, stack: null }
}

/** Each job imports only what it needs: generate's plan brings the emitters, the others do not. */
async function run(job: IsolatedJob, observer: LoadObserver): Promise<unknown> {
  if (job.kind === 'plan') {
    const { planGeneration } = await import('../generate.js')
    const plan = await planGeneration(job.layout, { observer })
    return { ...plan, outputs: [...plan.outputs] }
  }
  if (job.kind === 'declared') {
    const { loadDeclaredFamiliesHere } = await import('../lock/declared-versions.js')
    return loadDeclaredFamiliesHere(job.root, job.protocolsDir, { observer })
  }
  await loadProtocolFiles(job.root, job.files, { observer, oneAtATime: true })
  return null
}

/** Waits `ms` (0: until the next turn of the event loop, after pending I/O callbacks). */
function settleMoment(ms: number): Promise<void> {
  return new Promise((resolve) => (ms === 0 ? setImmediate(resolve) : setTimeout(resolve, ms)))
}

function failure(error: unknown): SerializedFailure {
  if (error instanceof GeneratorError) {
    return { code: error.code, name: error.name, message: error.message, file: error.place.file, at: error.place.at ?? null, stack: null }
  }
  if (isColloquyError(error)) {
    return { code: error.code, name: error.name, message: error.message, file: null, at: error.location, stack: null }
  }
  const stack = error instanceof Error ? (error.stack ?? null) : null
  return { code: null, name: error instanceof Error ? error.name : 'a value', message: thrownMessage(error), file: null, at: null, stack }
}
