export { NatsNetwork, type NatsNetworkOptions, type NatsNetworkStats } from './nats-network.js'
export type { NatsRejectReason } from './received-message.js'
export { NatsTransportError } from './nats-errors.js'
export type { NatsSettings } from './nats-network-options.js'
