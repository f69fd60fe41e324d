/** The node side of RPC: the server a node process runs, and how passwords are hashed for its config. */
export { RpcServer, type RpcServerOptions } from './rpc-server.js'
export { hashPassword } from './password-hash.js'
export type { RpcUser, RpcConfig } from './rpc-config.js'
export { RpcAuthenticationError, RpcPermissionError, RpcThrottledError, RpcRequestError, RpcConnectionError } from './rpc-errors.js'
