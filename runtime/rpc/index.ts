/**
 * The node side of RPC, for embedding: the server a node process runs (`RpcServer.start({ node, listen,
 * users, logger })` serves any in-process node the same way), and how passwords are hashed for its users.
 */
export { RpcServer, type RpcServerOptions } from './rpc-server.js'
export type { OperableNode } from './operable-node.js'
export type { LoginThrottleOptions } from './login-throttle.js'
export { hashPassword } from './password-hash.js'
export type { RpcUser, RpcConfig } from './rpc-config.js'
export {
  RpcAuthenticationError,
  RpcPermissionError,
  RpcThrottledError,
  RpcRequestError,
  RpcConnectionError,
  RpcAnswerTooLargeError,
} from './rpc-errors.js'
