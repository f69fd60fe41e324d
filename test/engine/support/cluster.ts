/**
 * A few nodes, each with its own store, and the helpers tests use to crash, restart and wait for them.
 * The store is a SQLite file in a temporary directory, or with COLLOQUY_TEST_STORE=postgres a PostgreSQL
 * schema per node (test/support/test-store.ts), dropped by `stopAll`. The network is one in-memory
 * network, or with COLLOQUY_TEST_NETWORK=tcp|nats a TCP or NATS JetStream network per node
 * (cluster-network.ts), closed and cleaned up by `stopAll`: the engine's suites run unchanged on each.
 * `net` (faults, holding, manual stepping, raw endpoints) exists on the in-memory network only.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNode } from '../../../runtime/create-node.js'
import type { Node, NodeOptions } from '../../../runtime/engine/index.js'
import type { Envelope, InMemoryNetwork, InMemoryNetworkOptions, Network } from '../../../runtime/network/index.js'
import type { FlowStore, UnfinishedFlow } from '../../../runtime/store/index.js'
import { type ClusterNetwork, clusterNetwork, recordingSends, testNetworkKind } from './cluster-network.js'
import { commitsSettled, dropSchemas, freshSchema, openPgTestStore, storeClosed, testStoreBackend } from '../../support/test-store.js'

const silent = { info() {}, warn() {}, error() {} }

type NodeSpec = Omit<NodeOptions, 'name' | 'store' | 'network'>

export class Cluster {
  private readonly network: ClusterNetwork
  readonly dir: string
  private readonly specs = new Map<string, NodeSpec>()
  readonly nodes = new Map<string, Node>()
  /** PostgreSQL: the schema prefix of this cluster's nodes, and the stores opened (the last one per node). */
  private readonly schemaPrefix = testStoreBackend === 'postgres' ? freshSchema('engine') : undefined
  private readonly stores = new Map<string, FlowStore>()
  /** Every schema a store was opened on (also for nodes opened outside `add`), dropped by stopAll. */
  private readonly schemas = new Set<string>()
  /** What `recordSends` gives back, once asked for. */
  private sent: Envelope[] | undefined

  constructor(options: InMemoryNetworkOptions = {}) {
    this.network = clusterNetwork(options)
    this.dir = mkdtempSync(join(tmpdir(), 'colloquy-engine-'))
  }

  /** The in-memory network the nodes share; a test that uses it runs on that network only (vitest.config.ts `memoryOnly`). */
  get net(): InMemoryNetwork {
    if (this.network.memory) return this.network.memory
    throw new Error(
      `This test reaches into the in-memory network, and COLLOQUY_TEST_NETWORK is ${testNetworkKind}; list its file in memoryOnly in vitest.config.ts.`,
    )
  }

  /** The node's store: its SQLite file, or (PostgreSQL) its schema opened. */
  async storeOf(name: string): Promise<string | FlowStore> {
    if (this.schemaPrefix === undefined) return join(this.dir, `${name}.db`)
    this.schemas.add(this.schemaOf(name))
    const store = await openPgTestStore(this.schemaOf(name))
    this.stores.set(name, store)
    return store
  }

  /** The PostgreSQL schema of a node of this cluster. */
  schemaOf(name: string): string {
    return `${this.schemaPrefix}_${name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`
  }

  /** The network a node (re)starting as `name` attaches to: on TCP and NATS a new one, the node's old one closed (as a process exit leaves it). */
  async networkOf(name: string): Promise<Network> {
    const network = await this.network.networkFor(name)
    return this.sent ? recordingSends(network, this.sent) : network
  }

  /**
   * From now on, every envelope a node added afterwards hands its network (re-sends included), in order, on
   * any network: what a fault rule of the in-memory network would see, for tests that only read them.
   */
  recordSends(): readonly Envelope[] {
    this.sent ??= []
    return this.sent
  }

  async add(name: string, spec: NodeSpec = {}): Promise<Node> {
    this.specs.set(name, spec)
    const store = await this.storeOf(name)
    try {
      const network = await this.networkOf(name)
      const node = await createNode({ redeliverAfterMs: 50, logger: silent, ...spec, name, store, network })
      this.nodes.set(name, node)
      return node
    } catch (error) {
      if (typeof store !== 'string') {
        store.close() // still ours: the node did not open
        await storeClosed(store)
      }
      throw error
    }
  }

  node(name: string): Node {
    const node = this.nodes.get(name)
    if (!node) throw new Error(`no node ${name} in this cluster`)
    return node
  }

  /** Kills the node as kill -9 would and opens its file again (optionally with other flows or responders). */
  async crashAndRestart(name: string, spec?: NodeSpec): Promise<Node> {
    this.node(name).crash()
    return this.add(name, spec ?? this.specs.get(name))
  }

  async stopAll(): Promise<void> {
    for (const node of this.nodes.values()) await node.stop()
    await this.network.close()
    if (this.schemaPrefix !== undefined) {
      for (const store of this.stores.values()) await storeClosed(store)
      await dropSchemas(this.schemas)
    }
    // A store's commit mark may still be written off the event loop (commit-mark.ts): retry while it lands.
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 })
  }
}

/** Polls `check` every few ms until it holds (or fails after `ms`). */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** Lets group commits and deliveries of the current moment run (on PostgreSQL: each turn also waits for the commits it started). */
export async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => setImmediate(resolve))
    if (testStoreBackend === 'postgres') await commitsSettled()
  }
}

/** The sessions of an unfinished flow, as the node lists them (peer, protocol, version, status). */
export async function sessionsOf(node: Node, flowId: string): Promise<UnfinishedFlow['sessions']> {
  return (await node.unfinishedFlows()).find((f) => f.id === flowId)?.sessions ?? []
}
