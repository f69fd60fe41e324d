export type { Network, NetworkPort, Endpoint } from './network.js'
export type { Envelope, WireMessage, WireException } from './wire.js'
export { InMemoryNetwork, type InMemoryNetworkOptions, type FaultPlan, type FaultAction, type NetworkStats } from './in-memory-network.js'
export { seededRandom } from './seeded-random.js'
