/**
 * Nodes in one test process that talk over real TCP sockets on 127.0.0.1: each with its own identity,
 * TcpNetwork, SQLite file and an entry in a shared network map. A node can be taken down (node stopped,
 * network closed: what a dead process leaves) and brought back on the same port.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNode } from '../../../runtime/create-node.js'
import type { Node, NodeOptions } from '../../../runtime/engine/index.js'
import {
  type NetworkMap,
  type NodeIdentity,
  TcpNetwork,
  type TcpNetworkOptions,
  generateIdentity,
  parseNetworkMap,
  publicKeyText,
} from '../../../runtime/transport/index.js'

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error'
  readonly message: string
  readonly fields: Record<string, unknown> | undefined
}

/** A logger that keeps what it is given. */
export function recordingLogger(lines: LogLine[] = []) {
  return {
    lines,
    info: (message: string, fields?: Record<string, unknown>) => void lines.push({ level: 'info', message, fields }),
    warn: (message: string, fields?: Record<string, unknown>) => void lines.push({ level: 'warn', message, fields }),
    error: (message: string, fields?: Record<string, unknown>) => void lines.push({ level: 'error', message, fields }),
  }
}

/** A port nothing listens on right now (bound, read and released). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

type NodeSpec = Omit<NodeOptions, 'name' | 'store' | 'network'>
type NetworkSpec = Partial<Omit<TcpNetworkOptions, 'identity' | 'map' | 'listen'>>

export interface Member {
  readonly identity: NodeIdentity
  readonly port: number
  readonly log: ReturnType<typeof recordingLogger>
  network: TcpNetwork | undefined
  node: Node | undefined
}

export class TcpCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'colloquy-tcp-'))
  readonly members = new Map<string, Member>()
  map!: NetworkMap
  private readonly specs = new Map<string, { node: NodeSpec; network: NetworkSpec }>()

  /** Gives every name an identity and a port, and writes the map all nodes share. */
  static async create(names: readonly string[]): Promise<TcpCluster> {
    const cluster = new TcpCluster()
    const parties = []
    for (const name of names) {
      const identity = generateIdentity(name)
      const port = await freePort()
      cluster.members.set(name, { identity, port, log: recordingLogger(), network: undefined, node: undefined })
      parties.push({ name, address: `127.0.0.1:${port}`, publicKey: publicKeyText(identity) })
    }
    cluster.map = parseNetworkMap({ parties }, 'the test network map')
    return cluster
  }

  member(name: string): Member {
    const member = this.members.get(name)
    if (!member) throw new Error(`no member ${name} in this cluster`)
    return member
  }

  /** Starts the member's network and node (again, after `down`, with the same spec unless given). */
  async up(name: string, node?: NodeSpec, network?: NetworkSpec): Promise<Node> {
    const member = this.member(name)
    const spec = { node: node ?? this.specs.get(name)?.node ?? {}, network: network ?? this.specs.get(name)?.network ?? {} }
    this.specs.set(name, spec)
    member.network = await TcpNetwork.start({
      logger: member.log,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
      ...spec.network,
      identity: member.identity,
      map: this.map,
      listen: { host: '127.0.0.1', port: member.port },
    })
    member.node = await createNode({ redeliverAfterMs: 100, logger: member.log, ...spec.node, name, store: this.dbFile(name), network: member.network })
    return member.node
  }

  /** What a process exit leaves: the node stops and its sockets close. */
  async down(name: string): Promise<void> {
    const member = this.member(name)
    await member.node?.stop()
    await member.network?.close()
    member.node = undefined
    member.network = undefined
  }

  dbFile(name: string): string {
    return join(this.dir, `${name}.db`)
  }

  async stopAll(): Promise<void> {
    for (const name of this.members.keys()) await this.down(name)
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** Polls `check` until it holds, or fails after `ms` (generous: the machine may be loaded). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
