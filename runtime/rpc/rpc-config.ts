/**
 * The `rpc` section of node.json: where the node's RPC endpoint listens (loopback only unless TLS is set or
 * `allowInsecure` says so), the TLS certificate and key, and the users with their scrypt hashes and
 * permissions. Read by runtime/process/node-config.ts; relative paths are the config file's.
 */
import path from 'node:path'
import { z } from 'zod'
import { isPasswordHash } from './password-hash.js'
import { PermissionSchema } from './permissions.js'

export const RpcUserSchema = z.strictObject({
  name: z.string().min(1).max(256),
  /** `colloquy rpc-user add` writes it; never a plain password. */
  passwordHash: z.string().refine(isPasswordHash, 'must be a scrypt hash as `colloquy rpc-user add` writes it (scrypt$N$r$p$salt$hash)'),
  permissions: z.array(PermissionSchema),
})

export const RpcSectionSchema = z
  .strictObject({
    listen: z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[^:\s]+):\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7100'),
    tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1) }).optional(),
    /** Listen on a non-loopback address without TLS: passwords then cross the network in clear. */
    allowInsecure: z.boolean().optional(),
    users: z.array(RpcUserSchema).default([]),
  })
  .superRefine((section, ctx) => {
    const names = new Set<string>()
    for (const [index, user] of section.users.entries()) {
      if (names.has(user.name)) ctx.addIssue({ code: 'custom', path: ['users', index, 'name'], message: `user '${user.name}' is listed twice` })
      names.add(user.name)
    }
    const host = listenHost(section.listen)
    if (!isLoopback(host) && !section.tls && section.allowInsecure !== true) {
      ctx.addIssue({
        code: 'custom',
        path: ['listen'],
        message: `${host} is not a loopback address: set tls ({ "cert", "key" }) so passwords do not cross the network in clear, or "allowInsecure": true if something else protects the link`,
      })
    }
  })

/** An RPC user: name, scrypt hash (`hashPassword`), permissions (`ALL`, `StartFlow.<name>`, `InvokeRpc.<operation>`). */
export type RpcUser = z.infer<typeof RpcUserSchema>

/** The `rpc` section as a node process uses it: paths resolved. */
export interface RpcConfig {
  /** Where the endpoint listens. */
  readonly listen: { readonly host: string; readonly port: number }
  /** PEM certificate and key paths: the endpoint then speaks wss://. */
  readonly tls: { readonly cert: string; readonly key: string } | undefined
  /** Who may log in, with their scrypt hashes and permissions. */
  readonly users: readonly RpcUser[]
}

/** The section with its paths resolved against `dir` (the config file's folder). */
export function resolveRpcConfig(section: z.output<typeof RpcSectionSchema>, dir: string): RpcConfig {
  const host = listenHost(section.listen)
  const port = Number(section.listen.slice(section.listen.lastIndexOf(':') + 1))
  return {
    listen: { host, port },
    tls: section.tls ? { cert: path.resolve(dir, section.tls.cert), key: path.resolve(dir, section.tls.key) } : undefined,
    users: section.users,
  }
}

function listenHost(listen: string): string {
  const host = listen.slice(0, listen.lastIndexOf(':'))
  return host.startsWith('[') ? host.slice(1, -1) : host
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}
