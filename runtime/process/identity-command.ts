/** `colloquy identity --config node.json`: creates the node's key pair if needed and prints its network-map entry. */
import { exitCodes } from '../protocol/errors/exit-codes.js'
import { loadOrCreateIdentity, publicKeyText } from '../transport/identity.js'
import type { NodeConfig } from './node-config.js'

export async function identityCommand(config: NodeConfig): Promise<number> {
  const identity = loadOrCreateIdentity(config.name, config.keyFile)
  const entry = { name: config.name, address: `${config.listen.host}:${config.listen.port}`, publicKey: publicKeyText(identity) }
  process.stdout.write(`${JSON.stringify(entry)}\n`)
  return exitCodes.ok
}
