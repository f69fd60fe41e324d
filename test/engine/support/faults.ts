/**
 * Fault injection around real components: the SQLite store and the cluster's network (in-memory, TCP or
 * NATS), wrapped so that a chosen call throws (for one flow, one session or one envelope) while everything
 * else runs as usual. Nodes made here join a Cluster (its network, its directory) and are stopped with it.
 */
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'
import { createNode } from '../../../runtime/create-node.js'
import type { Node, NodeOptions } from '../../../runtime/engine/index.js'
import type { Network, NetworkPort } from '../../../runtime/network/index.js'
import type { Envelope } from '../../../runtime/network/wire.js'
import type { FlowStore } from '../../../runtime/store/flow-store.js'
import { SqliteFlowStore } from '../../../runtime/store/sqlite/sqlite-flow-store.js'
import type { Cluster } from './cluster.js'
import { before } from './containment-flows.js'

/** The error every injected fault throws: its message names the call. */
export class InjectedFault extends Error {
  override readonly name = 'InjectedFault'
}

/** Decides, per store call, whether it throws; mutable so a test can arm and disarm faults. */
export interface StoreFaults {
  fail?: (method: string, args: readonly unknown[]) => boolean
  /** Replaces what a call returned (e.g. a corrupt row); Promises are rewritten once they resolve. */
  rewrite?: (method: string, result: unknown) => unknown
}

/** The real SQLite store with `faults.fail` consulted before every method call. */
export function faultyStore(path: string, faults: StoreFaults): FlowStore {
  const store = new SqliteFlowStore(path, { durability: 'fast' }) as unknown as FlowStore
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property)
      if (typeof value !== 'function' || typeof property !== 'string') return value
      return (...args: unknown[]) => {
        if (faults.fail?.(property, args)) throw new InjectedFault(`injected ${property} failure`)
        const result = value.apply(target, args)
        const rewrite = faults.rewrite
        if (!rewrite) return result
        return result instanceof Promise ? result.then((r) => rewrite(property, r)) : rewrite(property, result)
      }
    },
  })
}

/** Decides, per envelope sent, whether the network's send throws. */
export interface NetworkFaults {
  send?: (envelope: Envelope) => boolean
}

/** The real network with `faults.send` consulted before every send. */
export function faultyNetwork(network: Network, faults: NetworkFaults): Network {
  return {
    attach(party, endpoint): NetworkPort {
      const port = network.attach(party, endpoint)
      return {
        send(envelope) {
          if (faults.send?.(envelope)) throw new InjectedFault(`injected send failure for ${envelope.id}`)
          port.send(envelope)
        },
        detach: () => port.detach(),
        knows: (other) => port.knows(other),
        roster: () => port.roster(),
      }
    },
  }
}

export type FaultSpec = Omit<NodeOptions, 'name' | 'store' | 'network'> & {
  readonly store?: StoreFaults
  readonly network?: NetworkFaults
}

/** Opens a node of the cluster on a faulty store and network (faults disarmed until the test arms them). */
export async function addFaulty(cluster: Cluster, name: string, spec: FaultSpec = {}): Promise<Node> {
  const { store: storeFaults = {}, network: networkFaults = {}, ...options } = spec
  const store = faultyStore(join(cluster.dir, `${name}.db`), storeFaults)
  const network = faultyNetwork(await cluster.networkOf(name), networkFaults)
  const node = await createNode({
    redeliverAfterMs: 50,
    logger: { info() {}, warn() {}, error() {} },
    ...options,
    name,
    store,
    network,
  })
  cluster.nodes.set(name, node)
  return node
}

/**
 * For a file of containment tests: each test runs with unhandled rejections and uncaught exceptions
 * collected in `errors` (the engine must let none escape), the responder's behaviour table cleared, and the
 * cluster it made stopped afterwards.
 */
export function containmentTests(cluster: () => Cluster | undefined): { readonly errors: unknown[] } {
  const errors: unknown[] = []
  const onError = (error: unknown) => errors.push(error)
  beforeEach(() => {
    errors.length = 0
    before.clear()
    process.on('unhandledRejection', onError)
    process.on('uncaughtException', onError)
  })
  afterEach(async () => {
    process.off('unhandledRejection', onError)
    process.off('uncaughtException', onError)
    await cluster()?.stopAll()
  })
  return { errors }
}

/** The flow id a store call concerns, where its arguments name one. */
export function flowOf(method: string, args: readonly unknown[]): string | undefined {
  switch (method) {
    case 'putJournal':
    case 'putTimer':
    case 'deleteTimer':
    case 'finishFlow':
    case 'journalOf':
    case 'sessionsOf':
    case 'inboxOf':
    case 'flow':
      return args[0] as string
    case 'putInbox':
      return args[2] as string
    case 'putSession':
      return (args[0] as { flow_id: string }).flow_id
    default:
      return undefined
  }
}
