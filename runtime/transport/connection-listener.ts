/**
 * The listening side of a TcpNetwork: binds the listen address and accepts incoming connections, each of
 * which must complete its handshake before anything it sends reaches the host. Connections still in their
 * handshake are limited to MAX_PENDING_HANDSHAKES: beyond that a new one is refused unread, so a flood of
 * idle sockets cannot hold the node's memory and file descriptors. Each accepted socket speaks TLS 1.3 and must
 * present a certificate (checked against the network map after the handshake, certificate-pin.ts); the TLS
 * handshake counts as part of the connection's handshake.
 */
import { type Server, type Socket, createServer } from 'node:net'
import { TLSSocket } from 'node:tls'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { Connection, type ConnectionHost } from './connection.js'
import { ListenError } from './listen-error.js'
import type { RejectionLog } from './rejection-log.js'

/** Connections still in their handshake beyond this many are refused at once (a flood of idle sockets). */
const MAX_PENDING_HANDSHAKES = 256

export class ConnectionListener {
  readonly server: Server = createServer({ noDelay: true })
  /** Incoming connections not yet authenticated. */
  private handshaking = 0
  private stopped = false

  constructor(
    private readonly host: ConnectionHost,
    private readonly rejections: RejectionLog,
    /** Called with every accepted connection. */
    private readonly accepted: (connection: Connection) => void,
  ) {
    this.server.on('connection', (socket) => this.accept(socket))
  }

  /** Resolves once the port is bound; a failure to bind is a ListenError with the fix in its message. */
  listen(listen: { readonly host: string; readonly port: number }, logger: FlowLogger): Promise<void> {
    const name = this.host.identity.name
    return new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        this.stopped = true
        reject(
          new ListenError(
            `${name} cannot listen on ${listen.host}:${listen.port} (${error.code ?? error.message}); free the port or change the listen address.`,
          ),
        )
      }
      this.server.once('error', onError)
      this.server.listen(listen.port, listen.host, () => {
        this.server.off('error', onError)
        this.server.on('error', (error) => logger.error(`${name} stopped accepting connections: ${error.message}`))
        resolve()
      })
    })
  }

  /** An incoming connection authenticated: it no longer counts against the limit. */
  authenticated(connection: Connection): void {
    if (connection.role === 'listener') this.handshaking--
  }

  closed(connection: Connection): void {
    if (connection.role === 'listener' && connection.openedAt === 0) this.handshaking--
  }

  /** Stops accepting; resolves once the server is closed. */
  close(): Promise<void> {
    this.stopped = true
    return new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private accept(socket: Socket): void {
    if (this.stopped) {
      socket.destroy()
      return
    }
    if (this.handshaking >= MAX_PENDING_HANDSHAKES) {
      this.rejections.busy(socket.remoteAddress, socket.remotePort, MAX_PENDING_HANDSHAKES)
      socket.destroy()
      return
    }
    this.handshaking++
    const { secureContext } = this.host.tls
    const secure = new TLSSocket(socket, { isServer: true, secureContext, requestCert: true, rejectUnauthorized: false })
    this.accepted(new Connection(this.host, secure, 'listener'))
  }
}
