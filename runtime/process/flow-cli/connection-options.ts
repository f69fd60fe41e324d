/**
 * Where `colloquy flow` connects: --url and --user flags, else COLLOQUY_RPC_URL and COLLOQUY_RPC_USER; the
 * password from COLLOQUY_RPC_PASSWORD, else asked at the terminal or read from standard input (never a flag:
 * arguments show in `ps` and shell history).
 */
import { UsageError } from '../../protocol/errors/usage-error.js'
import type { ConnectOptions } from '../../rpc/client/rpc-socket.js'
import { readPassword } from '../read-password.js'

export async function connectionOptions(flags: { readonly url?: string | undefined; readonly user?: string | undefined }): Promise<ConnectOptions> {
  const url = flags.url ?? process.env.COLLOQUY_RPC_URL
  const user = flags.user ?? process.env.COLLOQUY_RPC_USER
  if (!url) throw new UsageError('no node to connect to; pass --url ws://host:port or set COLLOQUY_RPC_URL (the rpc.listen address of node.json).')
  if (!user) throw new UsageError('no RPC user; pass --user <name> or set COLLOQUY_RPC_USER (`colloquy rpc-user add` creates one).')
  const password = process.env.COLLOQUY_RPC_PASSWORD ?? (await readPassword(`Password for ${user} at ${url}: `))
  return { url, user, password, reconnectTimeoutMs: 30_000 }
}
