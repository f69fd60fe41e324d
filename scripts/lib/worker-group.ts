/**
 * Several `colloquy node --config <file> --json` processes of one node: its worker processes on a shared
 * PostgreSQL store (docs/scale-out.md). Each is started, killed (SIGKILL), paused (SIGSTOP) and resumed
 * (SIGCONT) on its own; their events are kept per process. Used by the worker crash tests and
 * `npm run demo:cluster`.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { NodeEvent } from '../../runtime/process/node-events.js'

const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const bin = path.join(repository, 'bin', 'colloquy.js')

export interface WorkerProcess {
  readonly index: number
  readonly child: ChildProcess
  readonly events: NodeEvent[]
  readonly stderr: string[]
  /** Resolves with the exit code (or the signal's name) once the process ended. */
  readonly exited: Promise<number | string>
}

export class WorkerGroup {
  readonly processes: WorkerProcess[] = []
  private readonly listeners = new Set<(worker: WorkerProcess, event: NodeEvent) => void>()

  constructor(readonly config: string) {}

  /** The processes still running. */
  get alive(): WorkerProcess[] {
    return this.processes.filter((p) => p.child.exitCode === null && p.child.signalCode === null)
  }

  onEvent(listener: (worker: WorkerProcess, event: NodeEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Starts one more worker; resolves once it reported `ready`. */
  async start(): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [bin, 'node', '--config', this.config, '--json'], { cwd: repository, stdio: ['ignore', 'pipe', 'pipe'] })
    const worker: WorkerProcess = {
      index: this.processes.length,
      child,
      events: [],
      stderr: [],
      exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))),
    }
    this.processes.push(worker)
    createInterface({ input: child.stderr! }).on('line', (line) => worker.stderr.push(line))
    await new Promise<void>((resolve, reject) => {
      const early = (code: number | null) => reject(new Error(`worker ${worker.index} exited (${code}) before it was ready:\n${worker.stderr.join('\n')}`))
      child.once('exit', early)
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let event: NodeEvent
        try {
          event = JSON.parse(line) as NodeEvent
        } catch {
          worker.stderr.push(line)
          return
        }
        worker.events.push(event)
        for (const listener of this.listeners) listener(worker, event)
        if (event.event === 'ready') {
          child.off('exit', early)
          resolve()
        }
      })
    })
    return worker
  }

  /** kill -9 of one worker. */
  async kill(worker: WorkerProcess): Promise<void> {
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) return
    worker.child.kill('SIGKILL')
    await worker.exited
  }

  /** SIGTERM to every running worker; resolves with their exit codes. */
  async stopAll(): Promise<(number | string)[]> {
    const running = this.alive
    for (const worker of running) worker.child.kill('SIGTERM')
    return Promise.all(running.map((worker) => worker.exited))
  }

  async killAll(): Promise<void> {
    await Promise.all(this.alive.map((worker) => this.kill(worker)))
  }
}
