/**
 * Opening a node's PostgreSQL store as one of its worker processes (docs/scale-out.md): the worker is
 * registered first (its token and lease), then the store is opened without the one-writer lock
 * (`exclusive: false`), with its own writer id and with the worker's fence run first in every commit; the
 * ownership trigger is installed once the store's tables exist. `workerOwnershipOf(store)` gives the
 * composition root (runtime/create-node.ts) the ownership to hand the engine.
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { Durability, FlowStore } from '../store/flow-store.js'
import { PgFlowStore } from '../store/postgres/pg-flow-store.js'
import { WorkerOwnership } from './worker-ownership.js'
import type { WorkerSettings } from './worker-settings.js'

export interface WorkerStoreSpec {
  readonly url: string
  readonly schema: string
  readonly node: string
  readonly durability: Durability
  readonly settings: Partial<WorkerSettings>
  readonly logger: FlowLogger
}

const ownerships = new WeakMap<FlowStore, WorkerOwnership>()

/** The ownership of a store opened by `openWorkerStore`; undefined for any other store. */
export function workerOwnershipOf(store: FlowStore): WorkerOwnership | undefined {
  return ownerships.get(store)
}

export async function openWorkerStore(spec: WorkerStoreSpec): Promise<PgFlowStore> {
  const { url, schema, node, logger, durability, settings } = spec
  const ownership = await WorkerOwnership.register({ url, schema, node, logger, ...settings })
  let store: PgFlowStore
  try {
    store = await PgFlowStore.open({ url, schema, durability, exclusive: false, writerId: `worker-${ownership.token}`, fence: ownership.fence })
    await ownership.storeOpened(() => store.closed)
  } catch (error) {
    await ownership.detach(false)
    throw error
  }
  ownerships.set(store, ownership)
  return store
}
