/**
 * The network a node process joins, as its config's `network` section says: TCP on `listen` (the default)
 * or a NATS JetStream broker. Both read the same network map and sign with the same identity key.
 */
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { NatsNetwork } from '../transport-nats/nats-network.js'
import type { NodeIdentity } from '../transport/identity.js'
import type { NetworkMap } from '../transport/network-map.js'
import { TcpNetwork } from '../transport/tcp-network.js'
import type { NodeConfig } from './node-config.js'

export type NodeNetwork = TcpNetwork | NatsNetwork

export async function startNodeNetwork(config: NodeConfig, identity: NodeIdentity, map: NetworkMap, logger: FlowLogger): Promise<NodeNetwork> {
  if (config.network.transport === 'nats') {
    const { transport: _transport, ...settings } = config.network
    return NatsNetwork.start({ ...settings, identity, map, logger })
  }
  return TcpNetwork.start({
    identity,
    map,
    listen: config.listen,
    logger,
    ...(config.maxFrameBytes ? { maxFrameBytes: config.maxFrameBytes } : {}),
  })
}

/** Where the node can be reached, as its `ready` event says: host:port, or the broker and stream. */
export function networkAddress(network: NodeNetwork): string {
  if (network instanceof NatsNetwork) return network.address
  return `${network.address.host}:${network.address.port}`
}
