/**
 * The Explorer's web server: the page and its API over HTTP (or HTTPS with a certificate and key), for one
 * node reached through its RPC endpoint. Every login opens an RPC client for that user (explorer-sessions.ts),
 * so the Explorer can do nothing the user could not do with `colloquy flow`. A node process starts one
 * when node.json has an `explorer` section; `colloquy explorer --node <rpc url>` starts one for a remote node.
 */
import { readFileSync } from 'node:fs'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { type ServerType, createAdaptorServer } from '@hono/node-server'
import { InvalidOptionError } from '../protocol/errors/invalid-option-error.js'
import { connect } from '../rpc/client/connect.js'
import { ListenError } from '../transport/listen-error.js'
import { explorerApp } from './explorer-app.js'
import { explorerAssetsDir } from './explorer-assets.js'
import { type Connector, ExplorerSessions, type SessionLimits } from './explorer-sessions.js'

export interface ExplorerServerOptions {
  /**
   * The node's RPC endpoint (`ws://` or `wss://`); `ca` is the certificate to trust for a self-signed wss:// one;
   * `certificate` the endpoint's own certificate, accepted whatever names it carries (the node's own Explorer
   * dials its endpoint over loopback; `ConnectOptions.certificate`).
   */
  readonly rpc: { readonly url: string; readonly ca?: string | Buffer; readonly certificate?: string | Buffer }
  readonly listen: { readonly host: string; readonly port: number }
  /** Paths of a PEM certificate and key: the Explorer then speaks HTTPS (and its cookie is Secure). */
  readonly tls?: { readonly cert: string; readonly key: string } | undefined
  readonly sessions?: SessionLimits
  /** The project's lockfile (protocols/colloquy.lock.json), for the lock state of each protocol version. */
  readonly lockfile?: string | undefined
  /** The built page (explorer/dist of the package by default). */
  readonly assets?: string
}

export class ExplorerServer {
  private constructor(
    private readonly http: ServerType,
    private readonly sessions: ExplorerSessions,
    readonly secure: boolean,
  ) {}

  /** Listens on `options.listen`; rejects with ListenError when it cannot. */
  static async start(options: ExplorerServerOptions): Promise<ExplorerServer> {
    const { host, port } = (options.listen ?? {}) as { host?: unknown; port?: unknown }
    if (typeof host !== 'string' || !Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535)
      throw new InvalidOptionError(
        `ExplorerServer.start needs listen as { host, port }, e.g. { host: '127.0.0.1', port: 7200 } (port 0 lets the system choose), not ${JSON.stringify(options.listen)}.`,
      )
    const assets = options.assets ?? explorerAssetsDir()
    const connector: Connector = (user, password) =>
      connect({
        url: options.rpc.url,
        user,
        password,
        reconnectTimeoutMs: 30_000,
        ...(options.rpc.ca === undefined ? {} : { ca: options.rpc.ca }),
        ...(options.rpc.certificate === undefined ? {} : { certificate: options.rpc.certificate }),
      })
    const sessions = new ExplorerSessions(connector, undefined, options.sessions)
    const secure = options.tls !== undefined
    const app = explorerApp(sessions, { assets, secure, lockfile: options.lockfile })
    const http = options.tls
      ? createAdaptorServer({
          fetch: app.fetch,
          createServer: createHttpsServer,
          serverOptions: { cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key), minVersion: 'TLSv1.2' },
        })
      : createAdaptorServer({ fetch: app.fetch })
    await new Promise<void>((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException) => {
        sessions.closeAll()
        reject(
          new ListenError(
            `The Explorer cannot listen on ${host}:${port} (${error.code ?? error.message}); free the port or change explorer.listen in node.json (or --listen).`,
            { cause: error },
          ),
        )
      }
      http.once('error', failed)
      http.listen(port as number, host, () => {
        http.off('error', failed)
        resolve()
      })
    })
    http.on('error', () => {}) // after listening, a failed connection concerns that client only
    return new ExplorerServer(http, sessions, secure)
  }

  get address(): { readonly host: string; readonly port: number } {
    const info = this.http.address() as AddressInfo
    return { host: info.address, port: info.port }
  }

  /** The address to open in a browser. */
  get url(): string {
    const { host, port } = this.address
    return `${this.secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}/`
  }

  /** Logs every session out (closing their RPC clients) and stops listening. */
  async close(): Promise<void> {
    this.sessions.closeAll()
    const http = this.http as ServerType & { closeAllConnections?: () => void }
    await new Promise<void>((resolve) => {
      http.close(() => resolve())
      http.closeAllConnections?.()
    })
  }
}
