export { TcpNetwork, type TcpNetworkOptions, type TcpNetworkStats } from './tcp-network.js'
export {
  type NodeIdentity,
  IdentityError,
  generateIdentity,
  identityFromPem,
  loadIdentity,
  loadOrCreateIdentity,
  publicKeyText,
  rotateIdentity,
} from './identity.js'
export { KeyFileMissingError, KeyFilePermissionsError } from './key-file-errors.js'
export { NetworkMap, NetworkMapError, type PartyEntry, loadNetworkMap, parseNetworkMap } from './network-map.js'
export type { RejectReason } from './connection.js'
export type { ReconnectOptions } from './peer-link.js'
export { ListenError } from './listen-error.js'
export { DEFAULT_WIRE_LIMITS, type WireLimits } from './wire-limits.js'
export type { LogThrottleOptions } from './log-throttle.js'
