/**
 * Worker processes of node Bob in one test process, on a schema of their own and the worker test network
 * (worker-network.ts): `worker(options)` opens one more Bob worker with createNode, `peer(name, options)` a
 * node of its own on SQLite in memory. `stopAll` stops every node, then drops the schema. `rows(table)`
 * counts a table of the schema.
 */
import type pg from 'pg'
import { createNode, openStore } from '../../../runtime/create-node.js'
import type { NodeOptions } from '../../../runtime/engine/index.js'
import type { Node } from '../../../runtime/engine/index.js'
import type { WorkerOwnership } from '../../../runtime/workers/worker-ownership.js'
import { workerOwnershipOf } from '../../../runtime/workers/worker-store.js'
import { type TestSchema, testDatabaseUrl, testSchema } from './pg-schema.js'
import { WorkerNetwork } from './worker-network.js'

export const silent = { info() {}, warn() {}, error() {} }

type Options = Omit<NodeOptions, 'name' | 'store' | 'network'>

export interface Worker {
  readonly node: Node
  readonly ownership: WorkerOwnership
}

export class WorkerNodes {
  readonly network: WorkerNetwork
  private readonly nodes: Node[] = []

  private constructor(
    readonly schema: TestSchema,
    readonly pool: pg.Pool,
    parties: readonly string[],
  ) {
    this.network = new WorkerNetwork(parties)
  }

  static async create(parties: readonly string[] = ['Alice', 'Bob']): Promise<WorkerNodes> {
    const schema = await testSchema()
    return new WorkerNodes(schema, schema.pool(2), parties)
  }

  /** One more worker of node Bob (lease `leaseMs`). */
  async worker(options: Options = {}, leaseMs = 1_000): Promise<Worker> {
    const store = await openStore({ postgres: testDatabaseUrl, schema: this.schema.name, workers: { leaseMs } }, 'full', { node: 'Bob', logger: silent })
    const node = await createNode({ name: 'Bob', store, network: this.network, redeliverAfterMs: 100, logger: silent, ...options })
    this.nodes.push(node)
    return { node, ownership: workerOwnershipOf(store)! }
  }

  /** A node of its own, on SQLite in memory. */
  async peer(name: string, options: Options = {}): Promise<Node> {
    const node = await createNode({ name, store: ':memory:', network: this.network, redeliverAfterMs: 100, logger: silent, ...options })
    this.nodes.push(node)
    return node
  }

  async rows(table: string, where = 'true'): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${this.schema.name}".${table} WHERE ${where}`)
    return rows[0]!.n
  }

  async stopAll(): Promise<void> {
    for (const node of this.nodes.splice(0)) await node.stop().catch(() => undefined)
    await this.schema.drop()
  }
}
