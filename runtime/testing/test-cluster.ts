/**
 * Several durable nodes on one in-memory network, on simulated time by default, for tests of whole flows:
 *
 *   const cluster = await createTestCluster({ nodes: { Seller: { flows: [sell] }, Buyer: { responders: [buy] } } })
 *   const trade = cluster.node('Seller').startFlow(sell, args)
 *   await cluster.advanceTime(7 * 24 * 3600_000)   // the buyer's week-long review timer fires
 *   await trade.result
 *   await cluster.stop()
 *
 * Each node keeps its store in a SQLite file of a temporary folder (or in memory), so `crash(name)` then
 * `restart(name)` resumes its flows by replay, as after kill -9. `advanceTime` fires the durable timers,
 * re-deliveries and eviction sweeps due by then, in order, letting deliveries and commits settle between
 * them. Nodes run with durability 'fast' (a crash of the process loses nothing; a power loss is not tested).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Clock, systemClock } from '../engine/clock.js'
import { createNode } from '../create-node.js'
import type { Node, NodeOptions } from '../engine/index.js'
import { InMemoryNetwork, type InMemoryNetworkOptions } from '../network/in-memory-network.js'
import type { FlowLogger } from '../protocol/index.js'
import { SimulatedClock, settleEventLoop } from './simulated-clock.js'
import { TestKitError } from './test-kit-error.js'

/** A node's options in a cluster; the cluster supplies its name, store, network and clock. */
export type TestNodeSpec = Omit<NodeOptions, 'name' | 'store' | 'network' | 'clock'>

/** The nodes of a test cluster and what they share: clock, store kind, network, logger. */
export interface TestClusterOptions {
  /** The nodes by party name, each with its flows, responders and other options. */
  readonly nodes: Readonly<Record<string, TestNodeSpec>>
  /** 'simulated' (default): time moves on advanceTime(); 'system': real time; or a SimulatedClock of your own. */
  readonly clock?: 'simulated' | 'system' | SimulatedClock
  /** 'file' (default): a SQLite file per node in a temporary folder, so restarts resume; 'memory': nothing survives. */
  readonly store?: 'file' | 'memory'
  /** The network, or options for a new one (mode, faults); default an InMemoryNetwork in 'auto' mode. */
  readonly network?: InMemoryNetwork | InMemoryNetworkOptions
  /** Where the nodes log; default silent. */
  readonly logger?: FlowLogger
}

/** Durable nodes on one in-memory network and one clock; see the module comment. */
export interface TestCluster {
  /** The network the nodes share: inject faults, step it, hold and release envelopes, read its stats. */
  readonly network: InMemoryNetwork
  /** The clock the nodes run on: a SimulatedClock unless the cluster was made with clock: 'system'. */
  readonly clock: Clock
  /** The folder of the nodes' store files (undefined with store: 'memory'). */
  readonly directory: string | undefined
  /** The running node of that party; throws while it is crashed or stopped. */
  node(name: string): Node
  /** Moves simulated time forward by `ms`, firing everything due on every node in order. */
  advanceTime(ms: number): Promise<void>
  /** Lets deliveries and commits in flight finish (the network has gone quiet). */
  settle(): Promise<void>
  /** Stops the node at once, committing nothing pending, as kill -9 would. */
  crash(name: string): void
  /** Opens a crashed or stopped node's store again and resumes its flows; `spec` replaces parts of its options. */
  restart(name: string, spec?: Partial<TestNodeSpec>): Promise<Node>
  /** Stops every running node and removes the store files. */
  stop(): Promise<void>
}

const silent: FlowLogger = { info() {}, warn() {}, error() {} }

/** Starts every node of `options.nodes` (resolving once each has resumed its flows) on a shared network and clock. */
export async function createTestCluster(options: TestClusterOptions): Promise<TestCluster> {
  const cluster = new NodeCluster(options)
  try {
    for (const name of Object.keys(options.nodes)) await cluster.open(name)
  } catch (error) {
    await cluster.stop()
    throw error
  }
  return cluster
}

class NodeCluster implements TestCluster {
  readonly network: InMemoryNetwork
  readonly clock: Clock
  readonly directory: string | undefined
  readonly #simulated: SimulatedClock | undefined
  readonly #specs = new Map<string, TestNodeSpec>()
  readonly #running = new Map<string, Node>()
  readonly #logger: FlowLogger

  constructor(options: TestClusterOptions) {
    this.network = options.network instanceof InMemoryNetwork ? options.network : new InMemoryNetwork(options.network)
    const clock = options.clock ?? 'simulated'
    this.#simulated = clock === 'system' ? undefined : clock === 'simulated' ? new SimulatedClock({ settle: () => this.settle() }) : clock
    this.clock = this.#simulated ?? systemClock
    this.directory = options.store === 'memory' ? undefined : mkdtempSync(join(tmpdir(), 'colloquy-test-cluster-'))
    this.#logger = options.logger ?? silent
    for (const [name, spec] of Object.entries(options.nodes)) this.#specs.set(name, spec)
    // Every node of the cluster is a party the network knows, also while it is crashed or not yet opened.
    this.network.declare(...this.#specs.keys())
  }

  node(name: string): Node {
    const node = this.#running.get(name)
    if (node) return node
    if (this.#specs.has(name)) throw new TestKitError(`${name} is not running (it crashed or stopped); call cluster.restart('${name}') first.`)
    throw new TestKitError(`This cluster has no node ${name}; it has ${[...this.#specs.keys()].join(', ')}.`)
  }

  async advanceTime(ms: number): Promise<void> {
    if (!this.#simulated)
      throw new TestKitError("advanceTime needs simulated time, but this cluster runs on the system clock; create it with clock: 'simulated'.")
    await this.#simulated.advance(ms)
  }

  async settle(): Promise<void> {
    // Quiet: no commit or delivery pending (both run from setImmediate), nothing queued on an 'auto' network.
    for (let rounds = 0; rounds < 100; rounds++) {
      await settleEventLoop()
      if (this.network.mode === 'manual' || this.network.pending === 0) return
    }
  }

  crash(name: string): void {
    this.node(name).crash()
    this.#running.delete(name)
  }

  async restart(name: string, spec?: Partial<TestNodeSpec>): Promise<Node> {
    if (this.#running.has(name)) throw new TestKitError(`${name} is running; crash or stop it before restarting it.`)
    if (!this.directory)
      throw new TestKitError(`${name} keeps its store in memory, so a restart would find nothing to resume; create the cluster with store: 'file'.`)
    if (spec) this.#specs.set(name, { ...this.#specs.get(name), ...spec })
    return this.open(name)
  }

  async open(name: string): Promise<Node> {
    const spec = this.#specs.get(name)
    if (!spec) throw new TestKitError(`This cluster has no node ${name}; it has ${[...this.#specs.keys()].join(', ')}.`)
    const store = this.directory ? join(this.directory, `${encodeURIComponent(name)}.db`) : ':memory:'
    const node = await createNode({ durability: 'fast', logger: this.#logger, ...spec, name, store, network: this.network, clock: this.clock })
    this.#running.set(name, node)
    return node
  }

  async stop(): Promise<void> {
    const running = [...this.#running.values()]
    this.#running.clear()
    for (const node of running) await node.stop()
    if (this.directory) rmSync(this.directory, { recursive: true, force: true })
  }
}
