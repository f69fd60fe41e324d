/**
 * `kill -HUP <pid>` of a `colloquy node`: the network map file is read and checked again, and the running
 * node takes it without a restart (key rotation, a moved or added party). New or changed keys apply to new
 * connections; a party whose key or address changed, or that left the map, has its connections closed (its
 * unacknowledged messages stay in the outbox and are sent again once it connects with the new key). A map
 * that cannot be read, is malformed, or does not list this node with its own key is not taken: the node
 * keeps the map it has and logs why.
 */
import { NatsNetwork } from '../transport-nats/nats-network.js'
import { loadNetworkMap } from '../transport/network-map.js'
import type { NodeConfig } from './node-config.js'
import type { EventSink } from './node-events.js'
import type { NodeNetwork } from './node-network.js'

export function reloadNetworkMap(config: NodeConfig, network: NodeNetwork, sink: EventSink): boolean {
  let changed: string[]
  try {
    changed = network.replaceMap(loadNetworkMap(config.networkMap))
  } catch (error) {
    const why = (error as Error)?.message ?? String(error)
    sink({ event: 'log', node: config.name, level: 'error', message: `Kept the previous network map: reloading ${config.networkMap} failed. ${why}` })
    return false
  }
  const closed =
    changed.length === 0
      ? 'no party changed its key or address'
      : network instanceof NatsNetwork
        ? `messages of ${changed.join(', ')} are checked against the new map (key changed, or left the map)`
        : `closed the connections of ${changed.join(', ')} (key or address changed, or left the map)`
  sink({
    event: 'log',
    node: config.name,
    level: 'info',
    message: `Reloaded the network map ${config.networkMap}: ${network.map.parties.length} parties; ${closed}.`,
  })
  return true
}
