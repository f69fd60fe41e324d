/**
 * The composition root of a node: `createNode` opens the SQLite store when given a path (or takes the
 * FlowStore it is given) and hands the engine the store port. The engine itself never imports a store
 * implementation, so another backend plugs in here without engine changes.
 */
import type { Node, NodeOptions } from './engine/index.js'
import { openNode } from './engine/node.js'
import { checkNodeName } from './protocol/party-name.js'
import type { FlowStore } from './store/flow-store.js'
import { SqliteFlowStore } from './store/sqlite/sqlite-flow-store.js'
import { asStoreDamage } from './store/sqlite/store-damage.js'

/** Opens (or reopens) a node and resumes every unfinished flow by replay before it resolves. */
export async function createNode(options: NodeOptions): Promise<Node> {
  checkNodeName(options.name) // before a store file is created under a name the node cannot have
  const opened = typeof options.store === 'string'
  const store: FlowStore = typeof options.store === 'string' ? new SqliteFlowStore(options.store, { durability: options.durability ?? 'full' }) : options.store
  try {
    return await openNode({ ...options, store })
  } catch (error) {
    if (opened) store.close() // a store the caller gave stays the caller's to close when the node did not open
    // A damaged page met while reading the store at open names the file and the way out.
    throw store instanceof SqliteFlowStore ? asStoreDamage(store.path, error) : error
  }
}
