/**
 * The loader child: the process in which protocol files run. `colloquy generate | check | lock |
 * versions` start it (run-isolated.ts) with the TypeScript loader, a job file and a result file; it
 * reports each file it starts and finishes on file descriptor 3, writes the outcome as JSON and says
 * `done`. Its stdout and stderr are the protocol files' own, kept apart from the command line's output.
 * Whatever a protocol file does here (loop, leave a timer, end the process, throw anything) the command
 * line sees as data, never as its own hang, exit code or stack trace.
 */
import { readFileSync, writeFileSync, writeSync } from 'node:fs'
import { isColloquyError } from '../../runtime/protocol/index.js'
import { GeneratorError } from '../generator-error.js'
import { describeThrown } from '../thrown-value.js'
import { type LoadObserver, loadProtocolFiles } from '../load-protocols.js'
import type { ChildEvent, ChildOutcome, IsolatedJob, SerializedFailure } from './isolated-job.js'
import { leftoverResources, resourceCounts } from './leftover-resources.js'

// Kept before any protocol file runs, which might replace them.
const stringify = JSON.stringify
const exit = process.exit.bind(process)
const [jobFile, resultFile] = process.argv.slice(2) as [string, string]
const pending = new Set<string>()
let finished = false

const report = (event: ChildEvent): void => void writeSync(3, `${stringify(event)}\n`)

function finish(outcome: ChildOutcome): void {
  if (finished) return
  finished = true
  writeFileSync(resultFile, stringify(outcome))
  report({ kind: 'done' })
  exit(0)
}

// An error thrown from a protocol file's callback (a timer, a promise nobody awaits) ends the job, not
// the process with a stack trace; it is blamed on a file still loading, if any.
const thrownLater = (error: unknown): void => {
  const [file] = pending
  const what = describeThrown(error)
  finish({
    ok: false,
    failure: failure(
      new GeneratorError(
        `a protocol file threw ${what} from a callback or an unawaited promise while protocols were loading. A protocol file should only declare protocols; fix the failing code and run colloquy again.`,
        { file: file ?? 'protocols' },
      ),
    ),
  })
}
process.on('uncaughtException', thrownLater)
process.on('unhandledRejection', thrownLater)

const job = JSON.parse(readFileSync(jobFile, 'utf8')) as IsolatedJob
let baseline = resourceCounts()
const observer: LoadObserver = {
  loading(file) {
    pending.add(file)
    report({ kind: 'loading', file })
  },
  async loaded(file) {
    pending.delete(file)
    report({ kind: 'loaded', file })
    if (job.kind !== 'probe') return
    // What the file started without waiting (a server's listen, a lookup) gets a moment to show up.
    await settleMoment(20)
    const left = leftoverResources(baseline)
    baseline = resourceCounts()
    if (left.length > 0) {
      throw new GeneratorError(
        `this protocol file leaves ${left.join(', ')} running after it loads (a timer, interval, server or socket). A protocol file should only declare protocols: start such things in the code that runs flows, and run colloquy again.`,
        { file },
      )
    }
  },
  async allLoaded() {
    report({ kind: 'all-loaded' })
    if (job.kind === 'probe') return
    await settleMoment(0)
    // Several files loaded at once: which one left something running is found by a probe, one at a time.
    if (leftoverResources(baseline).length > 0) finish({ ok: false, failure: { ...failure(new Error('leftover')), code: 'LEFTOVER' } })
  },
}

try {
  finish({ ok: true, value: await run(job) })
} catch (error) {
  finish({ ok: false, failure: failure(error) })
}

/** Each job imports only what it needs: generate's plan brings ts-morph, the others do not. */
async function run(job: IsolatedJob): Promise<unknown> {
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
  return { code: null, name: error instanceof Error ? error.name : 'a value', message: describeThrown(error), file: null, at: null, stack }
}
