/** `connect({ url, user, password })`: logs in to a node's RPC endpoint and resolves with the typed client. */
import { SocketRpcClient } from './rpc-client.js'
import type { RpcClient } from './rpc-client-api.js'
import { type ConnectOptions, RpcSocket } from './rpc-socket.js'

/** Rejects with RpcAuthenticationError (wrong user or password), RpcThrottledError or RpcConnectionError. */
export async function connect(options: ConnectOptions): Promise<RpcClient> {
  return new SocketRpcClient(await RpcSocket.open(options))
}
