/**
 * `colloquy identity --config node.json [--rotate]`: the one command that creates node keys. It creates the
 * key pair if the key file is missing (mode 0600) and prints the node's network-map entry; with `--rotate`
 * it replaces the key with a new one, keeps the old as `<keyFile>.old`, and prints the new entry to publish.
 */
import { exitCodes } from '../protocol/errors/exit-codes.js'
import { loadOrCreateIdentity, publicKeyText, rotateIdentity } from '../transport/identity.js'
import type { NodeConfig } from './node-config.js'

export async function identityCommand(config: NodeConfig, options: { readonly rotate?: boolean } = {}): Promise<number> {
  const identity = options.rotate ? rotateIdentity(config.name, config.keyFile, config.file).identity : loadOrCreateIdentity(config.name, config.keyFile)
  const entry = { name: config.name, address: `${config.listen.host}:${config.listen.port}`, publicKey: publicKeyText(identity) }
  process.stdout.write(`${JSON.stringify(entry)}\n`)
  return exitCodes.ok
}
