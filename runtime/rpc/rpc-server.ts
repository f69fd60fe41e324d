/**
 * A node's RPC endpoint: an HTTP (or HTTPS, with the config's certificate and key) server carrying one
 * WebSocket connection per client (the `ws` library), each an RpcConnection. Plain HTTP requests get 426.
 */
import { readFileSync } from 'node:fs'
import { type Server, createServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { InvalidOptionError } from '../protocol/errors/invalid-option-error.js'
import { ListenError } from '../transport/listen-error.js'
import { defaultLogger } from '../transport/tcp-network-options.js'
import { LoginThrottle, type LoginThrottleOptions } from './login-throttle.js'
import type { OperableNode } from './operable-node.js'
import { Permissions } from './permissions.js'
import type { RpcUser } from './rpc-config.js'
import { type RpcAccount, RpcConnection } from './rpc-connection.js'
import { MAX_FRAME_BYTES } from './rpc-protocol.js'

export interface RpcServerOptions {
  /** The node it serves (a node from createNode). */
  readonly node: OperableNode
  readonly listen: { readonly host: string; readonly port: number }
  /** Who may log in; passwords as `hashPassword` writes them. */
  readonly users: readonly RpcUser[]
  /** Paths of a PEM certificate and key: the endpoint then speaks wss://. */
  readonly tls?: { readonly cert: string; readonly key: string } | undefined
  /** Where refused logins and requests are logged; standard error by default. */
  readonly logger?: FlowLogger
  readonly throttle?: LoginThrottleOptions
}

/** A node's RPC endpoint; `start` listens, `close` ends every connection and the listener. */
export class RpcServer {
  private constructor(
    private readonly http: Server,
    private readonly sockets: WebSocketServer,
    /** True when it speaks wss:// (TLS). */
    readonly secure: boolean,
  ) {}

  /** Listens on `options.listen`; rejects with ListenError when it cannot. */
  static async start(given: RpcServerOptions): Promise<RpcServer> {
    const options = { ...given, logger: given.logger ?? defaultLogger }
    const { host, port } = (options.listen ?? {}) as { host?: unknown; port?: unknown }
    if (typeof host !== 'string' || !Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535)
      throw new InvalidOptionError(
        `RpcServer.start needs listen as { host, port }, e.g. { host: '127.0.0.1', port: 7100 } (port 0 lets the system choose), not ${JSON.stringify(options.listen)}.`,
      )
    const accounts = new Map<string, RpcAccount>(
      options.users.map((user) => [user.name, { passwordHash: user.passwordHash, permissions: new Permissions(user.permissions) }]),
    )
    const refuse = (_request: unknown, response: import('node:http').ServerResponse) => {
      response.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' })
      response.end('This is a Colloquy RPC endpoint: connect with the typed client (colloquy/client) or `colloquy flow`.\n')
    }
    const http = options.tls
      ? createHttpsServer({ cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key), minVersion: 'TLSv1.2' }, refuse)
      : createServer(refuse)
    const sockets = new WebSocketServer({ server: http, maxPayload: MAX_FRAME_BYTES })
    const context = { node: options.node, accounts, throttle: new LoginThrottle(options.throttle), logger: options.logger }
    sockets.on('connection', (socket, request) => {
      new RpcConnection(socket, request.socket.remoteAddress ?? 'unknown', context)
    })
    // ws repeats the HTTP server's errors on the WebSocket server: one listener there covers both.
    let failedToListen: ((error: Error) => void) | undefined
    sockets.on('error', (error) => {
      if (failedToListen) return failedToListen(error)
      options.logger.error('RPC endpoint error', { message: error.message }) // the node keeps running
    })
    await new Promise<void>((resolve, reject) => {
      failedToListen = (error) => {
        const { host, port } = options.listen
        reject(
          new ListenError(
            `The RPC endpoint cannot listen on ${host}:${port} (${(error as NodeJS.ErrnoException).code ?? error.message}); free the port or change rpc.listen in node.json.`,
            { cause: error },
          ),
        )
      }
      http.listen(options.listen.port, options.listen.host, () => {
        failedToListen = undefined
        resolve()
      })
    })
    http.on('tlsClientError', () => {}) // a failed TLS handshake concerns that client only
    return new RpcServer(http, sockets, options.tls !== undefined)
  }

  /** The address it listens on (the port the OS chose for port 0). */
  get address(): { readonly host: string; readonly port: number } {
    const info = this.http.address() as AddressInfo
    return { host: info.address, port: info.port }
  }

  /** The URL clients connect to. */
  get url(): string {
    const { host, port } = this.address
    return `${this.secure ? 'wss' : 'ws'}://${host.includes(':') ? `[${host}]` : host}:${port}`
  }

  /** Closes every connection (their streams end) and the listener. */
  async close(): Promise<void> {
    for (const client of this.sockets.clients) client.terminate()
    await new Promise<void>((resolve) => this.sockets.close(() => resolve()))
    await new Promise<void>((resolve) => this.http.close(() => resolve()))
  }
}
