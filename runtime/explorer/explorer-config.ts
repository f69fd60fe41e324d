/**
 * The `explorer` section of node.json: where the node serves the Explorer page (off without the section).
 * `listen` is `{ host, port }`, host 127.0.0.1 when left out; like the RPC endpoint, a non-loopback host
 * needs `tls` (certificate and key paths, relative to the config file) or `allowInsecure: true`, since the
 * login form carries passwords. The Explorer reaches the node through the node's own RPC endpoint, so the
 * section needs an `rpc` section beside it.
 */
import path from 'node:path'
import { z } from 'zod'
import { isLoopback } from '../rpc/rpc-config.js'

export const ExplorerSectionSchema = z
  .strictObject({
    listen: z.strictObject({ host: z.string().min(1).default('127.0.0.1'), port: z.number().int().min(0).max(65535) }),
    tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
    /** Listen on a non-loopback address without TLS: passwords then cross the network in clear. */
    allowInsecure: z.boolean().optional(),
    /** The project's lockfile (protocols/colloquy.lock.json), for the lock state of each protocol version. */
    lockfile: z.string().min(1).optional(),
  })
  .superRefine((section, ctx) => {
    if (!isLoopback(section.listen.host) && !section.tls && section.allowInsecure !== true)
      ctx.addIssue({
        code: 'custom',
        path: ['listen', 'host'],
        message: `${section.listen.host} is not a loopback address: set tls ({ "cert", "key" }) so passwords do not cross the network in clear, or "allowInsecure": true if something else protects the link`,
      })
  })

/** The section as the node process uses it: paths resolved. */
export interface ExplorerConfig {
  readonly listen: { readonly host: string; readonly port: number }
  readonly tls: { readonly cert: string; readonly key: string } | undefined
  readonly lockfile: string | undefined
}

export function resolveExplorerConfig(section: z.output<typeof ExplorerSectionSchema>, dir: string): ExplorerConfig {
  return {
    listen: section.listen,
    tls: section.tls ? { cert: path.resolve(dir, section.tls.cert), key: path.resolve(dir, section.tls.key) } : undefined,
    lockfile: section.lockfile === undefined ? undefined : path.resolve(dir, section.lockfile),
  }
}
