/**
 * Node processes on loopback, as an operator would run them: one `colloquy node --config` process per
 * party, each with its own SQLite file (or the PostgreSQL store its settings name) and key in a work folder,
 * one network map for all. Used by the
 * demo, the cross-process crash tests and the cross-process benchmarks. Events come from the processes'
 * `--json` output.
 */
import Database from 'better-sqlite3'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { NodeEvent } from '../../runtime/process/node-events.js'
import { loadOrCreateIdentity, publicKeyText } from '../../runtime/transport/identity.js'

const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const bin = path.join(repository, 'bin', 'colloquy.js')

export interface ProcessNodeSpec {
  readonly name: string
  /** Path of the node app module (absolute, or relative to the repository). */
  readonly app: string
  readonly start?: readonly { readonly flow: string; readonly id: string; readonly args?: unknown }[]
  /** Extra node.json fields (durability, redeliverAfterMs, drain, ...). */
  readonly settings?: Readonly<Record<string, unknown>>
}

export interface ProcessNode {
  readonly name: string
  readonly config: string
  readonly database: string
  readonly events: NodeEvent[]
  process: ChildProcess | undefined
  /** How many times the process was started. */
  starts: number
}

type Listener = (node: ProcessNode, event: NodeEvent) => void

export interface InFlightRows {
  readonly running: number
  /** Outcome rows of finished flows kept for their clients (flows started from a node config). */
  readonly finished: number
  readonly journal: number
  readonly sessions: number
  readonly inbox: number
  readonly outbox: number
  readonly timers: number
}

/** Everything but the kept outcomes: what a node still has to do. */
export function inFlight(rows: InFlightRows): number {
  return rows.running + rows.journal + rows.sessions + rows.inbox + rows.outbox + rows.timers
}

export class ProcessCluster {
  readonly nodes = new Map<string, ProcessNode>()
  private readonly listeners = new Set<Listener>()
  /** Lines a process wrote to stderr, kept for failure messages. */
  readonly stderr = new Map<string, string[]>()

  private constructor(readonly dir: string) {}

  /** Writes keys, node configs and the network map for `specs` into `dir`. */
  static async create(dir: string, specs: readonly ProcessNodeSpec[]): Promise<ProcessCluster> {
    mkdirSync(dir, { recursive: true })
    const cluster = new ProcessCluster(dir)
    const parties = []
    for (const spec of specs) {
      const port = await freePort()
      const database = path.join(dir, `${spec.name}.db`)
      const identity = loadOrCreateIdentity(spec.name, `${database}.key`)
      parties.push({ name: spec.name, address: `127.0.0.1:${port}`, publicKey: publicKeyText(identity) })
      const config = path.join(dir, `${spec.name}.node.json`)
      const app = path.isAbsolute(spec.app) ? spec.app : path.join(repository, spec.app)
      // A spec whose settings name a `store` (PostgreSQL) keeps only its key file in the work folder.
      const body = {
        name: spec.name,
        ...(spec.settings && 'store' in spec.settings ? { keyFile: `${database}.key` } : { database }),
        listen: `127.0.0.1:${port}`,
        networkMap: 'network.json',
        app,
        ...(spec.start ? { start: spec.start } : {}),
        ...spec.settings,
      }
      writeFileSync(config, `${JSON.stringify(body, null, 2)}\n`)
      cluster.nodes.set(spec.name, { name: spec.name, config, database, events: [], process: undefined, starts: 0 })
    }
    writeFileSync(path.join(dir, 'network.json'), `${JSON.stringify({ parties }, null, 2)}\n`)
    return cluster
  }

  node(name: string): ProcessNode {
    const node = this.nodes.get(name)
    if (!node) throw new Error(`no node ${name} in this cluster`)
    return node
  }

  /** Deploys another build: the node's next start runs `app` (absolute, or relative to the repository). */
  setApp(name: string, app: string): void {
    const node = this.node(name)
    const body = JSON.parse(readFileSync(node.config, 'utf8')) as Record<string, unknown>
    body.app = path.isAbsolute(app) ? app : path.join(repository, app)
    writeFileSync(node.config, `${JSON.stringify(body, null, 2)}\n`)
  }

  onEvent(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Starts the node's process; resolves once it reported `ready` (it has resumed its flows and listens). */
  async start(name: string): Promise<ProcessNode> {
    const node = this.node(name)
    if (node.process && node.process.exitCode === null && node.process.signalCode === null) throw new Error(`${name} is already running`)
    const child = spawn(process.execPath, [bin, 'node', '--config', node.config, '--json'], { cwd: repository, stdio: ['ignore', 'pipe', 'pipe'] })
    node.process = child
    node.starts++
    const errors: string[] = []
    this.stderr.set(name, errors)
    createInterface({ input: child.stderr! }).on('line', (line) => errors.push(line))
    const ready = new Promise<void>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`${name} exited (${code}) before it was ready:\n${errors.join('\n')}`))
      child.once('exit', exited)
      createInterface({ input: child.stdout! }).on('line', (line) => {
        let event: NodeEvent
        try {
          event = JSON.parse(line) as NodeEvent
        } catch {
          errors.push(line)
          return
        }
        node.events.push(event)
        for (const listener of this.listeners) listener(node, event)
        if (event.event === 'ready') {
          child.off('exit', exited)
          resolve()
        }
      })
    })
    await ready
    return node
  }

  /** kill -9: the process gets no chance to commit or say goodbye. */
  async kill(name: string): Promise<void> {
    const child = this.node(name).process
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }

  /** SIGTERM, and waits for a clean exit; rejects if the exit code is not 0. */
  async stop(name: string): Promise<void> {
    const child = this.node(name).process
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (exitCode) => resolve(exitCode))
      child.kill('SIGTERM')
    })
    if (code !== 0) throw new Error(`${name} exited with code ${code} on SIGTERM:\n${(this.stderr.get(name) ?? []).join('\n')}`)
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.nodes.keys()].map((name) => this.stop(name)))
  }

  async killAll(): Promise<void> {
    await Promise.all([...this.nodes.keys()].map((name) => this.kill(name)))
  }

  /** Row counts of the node's tables, read from its database file (also while the process runs). */
  tableCounts(name: string): InFlightRows {
    const db = new Database(this.node(name).database, { readonly: true, fileMustExist: true })
    try {
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n
      return {
        running: count(`SELECT count(*) AS n FROM flows WHERE status = 'running'`),
        finished: count(`SELECT count(*) AS n FROM flows WHERE status <> 'running'`),
        journal: count('SELECT count(*) AS n FROM journal'),
        sessions: count('SELECT count(*) AS n FROM sessions'),
        inbox: count('SELECT count(*) AS n FROM inbox'),
        outbox: count('SELECT count(*) AS n FROM outbox'),
        timers: count('SELECT count(*) AS n FROM timers'),
      }
    } finally {
      db.close()
    }
  }

  /** Waits until no node has in-flight rows (running flows, journal, sessions, inbox, outbox, timers). */
  async quiesce(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const busy = [...this.nodes.keys()].filter((name) => inFlight(this.tableCounts(name)) > 0)
      if (busy.length === 0) return
      if (Date.now() > deadline)
        throw new Error(`${busy.join(', ')} still had in-flight rows after ${timeoutMs} ms: ${busy.map((n) => JSON.stringify(this.tableCounts(n))).join(' ')}`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }

  /** Resolves with the first event (from now on, or already seen if `past`) that matches. */
  waitFor(match: (node: ProcessNode, event: NodeEvent) => boolean, timeoutMs = 30_000, past = false): Promise<NodeEvent> {
    if (past) {
      for (const node of this.nodes.values()) for (const event of node.events) if (match(node, event)) return Promise.resolve(event)
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off()
        reject(new Error(`no matching node event within ${timeoutMs} ms`))
      }, timeoutMs)
      const off = this.onEvent((node, event) => {
        if (!match(node, event)) return
        clearTimeout(timer)
        off()
        resolve(event)
      })
    })
  }
}

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}
