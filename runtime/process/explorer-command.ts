/**
 * `colloquy explorer --node <rpc url>`: serves the Explorer page for a node reached over its RPC endpoint
 * (a remote node, or one whose node.json has no `explorer` section). Operators log in with that node's
 * RPC users. Listens on loopback unless given TLS or --allow-insecure; stops on SIGINT or SIGTERM.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { ExplorerSectionSchema } from '../explorer/explorer-config.js'
import { ExplorerServer } from '../explorer/explorer-server.js'
import { exitCodes } from '../protocol/errors/exit-codes.js'
import { UsageError } from '../protocol/errors/usage-error.js'

export const explorerCommandHelp = `Usage: colloquy explorer --node <ws://host:port | wss://host:port> [options]

Serves the Explorer, the operators' web page, for the node whose RPC endpoint is --node. Log in with a
user of that node's RPC endpoint (\`colloquy rpc-user add\`); every action runs with that user's permissions.

Options:
  --node <url>         the node's RPC endpoint (its node.json rpc.listen), ws:// or wss://
  --ca <file>          PEM certificate to trust for a wss:// endpoint with a self-signed certificate
  --certificate <file> the wss:// endpoint's own certificate (its rpc.tls.cert): accepted exactly, by its
                       SHA-256 fingerprint, whatever host names it carries
  --listen <host:port> where the Explorer listens (default 127.0.0.1:7200)
  --lockfile <file>    the project's protocols/colloquy.lock.json, for each version's lock state
  --tls-cert <file>    serve HTTPS with this PEM certificate (with --tls-key)
  --tls-key <file>     the certificate's private key
  --allow-insecure     listen on a non-loopback address without TLS (passwords then cross the network in clear)
  -h, --help           this text
`

export async function explorerCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      node: { type: 'string' },
      ca: { type: 'string' },
      certificate: { type: 'string' },
      lockfile: { type: 'string' },
      listen: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'allow-insecure': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    process.stdout.write(explorerCommandHelp)
    return exitCodes.ok
  }
  if (!values.node) throw new UsageError('--node <ws://host:port> is required: the RPC endpoint of the node to explore.')
  if (!/^wss?:\/\//.test(values.node))
    throw new UsageError(`--node ${values.node}: give the node's RPC endpoint as ws://host:port, or wss://host:port when its rpc section has tls.`)
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together.')
  const listenText = values.listen ?? '127.0.0.1:7200'
  const at = listenText.lastIndexOf(':')
  const host = listenText.slice(0, at).replace(/^\[(.*)\]$/, '$1')
  const port = Number(listenText.slice(at + 1))
  const tls = values['tls-cert'] && values['tls-key'] ? { cert: values['tls-cert'], key: values['tls-key'] } : undefined
  const section = ExplorerSectionSchema.safeParse({
    listen: { host, port },
    ...(tls ? { tls } : {}),
    ...(values['allow-insecure'] ? { allowInsecure: true } : {}),
  })
  if (at < 1 || !section.success)
    throw new UsageError(
      `--listen ${listenText}: ${section.success ? 'give host:port, e.g. 127.0.0.1:7200' : section.error.issues.map((i) => i.message).join('; ')}.`,
    )
  const server = await ExplorerServer.start({
    rpc: {
      url: values.node,
      ...(values.ca ? { ca: readFileSync(values.ca) } : {}),
      ...(values.certificate ? { certificate: readFileSync(values.certificate) } : {}),
    },
    listen: section.data.listen,
    tls,
    lockfile: values.lockfile,
  })
  process.stdout.write(`Explorer for ${values.node} at ${server.url} (Ctrl-C stops it)\n`)
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await server.close()
  return exitCodes.ok
}
