/**
 * The composition root of a node: `createNode` opens the store its options name (a SQLite file path, or a
 * PostgreSQL database as `{ postgres: url, schema? }`), or takes the FlowStore it is given, and hands the
 * engine the store port. The engine itself never imports a store implementation, so a backend plugs in
 * here without engine changes.
 */
import type { Node, NodeOptions } from './engine/index.js'
import { defaultLogger } from './engine/default-logger.js'
import { openNode } from './engine/node.js'
import { InvalidOptionError } from './protocol/errors/invalid-option-error.js'
import type { FlowLogger } from './protocol/session/flow-context.js'
import { checkNodeName } from './protocol/party-name.js'
import type { Durability, FlowStore } from './store/flow-store.js'
import { PgFlowStore } from './store/postgres/pg-flow-store.js'
import { SqliteFlowStore } from './store/sqlite/sqlite-flow-store.js'
import { asStoreDamage } from './store/sqlite/store-damage.js'
import type { WorkerSettings } from './workers/worker-settings.js'
import { openWorkerStore, workerOwnershipOf } from './workers/worker-store.js'

/**
 * A node's tables in a PostgreSQL database: its URL, and the schema (namespace) holding them (default
 * `colloquy`). With `workers`, this process is one of several worker processes serving the node on that
 * schema (runtime/workers/, docs/scale-out.md): `true` for the default lease (10 s) and claim batch (500).
 */
export interface PostgresStoreSpec {
  readonly postgres: string
  readonly schema?: string
  readonly workers?: true | Partial<WorkerSettings>
}

/** Which store a node opens: a SQLite file path (or ':memory:'), or a PostgreSQL database. */
export type StoreSpec = string | PostgresStoreSpec

/** `createNode`'s options: the node's, with its store given as a path, a PostgreSQL spec or an open FlowStore. */
export interface CreateNodeOptions extends Omit<NodeOptions, 'store'> {
  /**
   * Path of the SQLite file (created if missing) or ':memory:'; `{ postgres: url, schema? }` for a PostgreSQL
   * store (its schema created if missing); or an open FlowStore, which the node then owns (it closes it when it stops).
   */
  readonly store: StoreSpec | FlowStore
}

/**
 * Opens the store a spec names; the caller owns it (a node given it closes it when it stops). A worker's
 * store (`workers`) registers the worker on it; `node` names the node then, and `logger` hears the worker.
 */
export async function openStore(
  spec: StoreSpec,
  durability: Durability = 'full',
  worker?: { readonly node: string; readonly logger?: FlowLogger },
): Promise<FlowStore> {
  if (typeof spec === 'string') return new SqliteFlowStore(spec, { durability })
  if (spec.workers) {
    if (!worker) throw new InvalidOptionError(`A worker's PostgreSQL store needs the node's name; open it with openStore(spec, durability, { node }).`)
    const settings = spec.workers === true ? {} : spec.workers
    return openWorkerStore({
      url: spec.postgres,
      schema: spec.schema ?? 'colloquy',
      node: worker.node,
      durability,
      settings,
      logger: worker.logger ?? defaultLogger,
    })
  }
  return PgFlowStore.open({ url: spec.postgres, ...(spec.schema !== undefined ? { schema: spec.schema } : {}), durability })
}

/** Resolves once a closed store let go of everything (a PostgreSQL store: its last batch committed, its connections closed; `close()` resolves then too). */
export function storeClosed(store: FlowStore): Promise<void> {
  return store instanceof PgFlowStore ? store.closed : Promise.resolve()
}

const isFlowStore = (store: StoreSpec | FlowStore): store is FlowStore => typeof store === 'object' && 'commits' in store

/** Opens (or reopens) a node and resumes every unfinished flow by replay before it resolves. */
export async function createNode(options: CreateNodeOptions): Promise<Node> {
  checkNodeName(options.name) // before a store file is created under a name the node cannot have
  const opened = !isFlowStore(options.store)
  const store: FlowStore = isFlowStore(options.store)
    ? options.store
    : await openStore(options.store, options.durability ?? 'full', { node: options.name, ...(options.logger ? { logger: options.logger } : {}) })
  const worker = workerOwnershipOf(store)
  try {
    const node = await openNode({ ...options, store, ...(worker && !options.ownership ? { ownership: worker } : {}) })
    // A worker that lost its lease can commit nothing more: the node stops (a node process then exits with 1).
    worker?.whenLost((error) => {
      ;(options.logger ?? defaultLogger).error(error.message)
      node.crash()
    })
    return node
  } catch (error) {
    void worker?.detach(false)
    if (opened) store.close() // a store the caller gave stays the caller's to close when the node did not open
    // A damaged page met while reading the store at open names the file and the way out.
    throw store instanceof SqliteFlowStore ? asStoreDamage(store.path, error) : error
  }
}
