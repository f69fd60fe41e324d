/**
 * The listening side of a TcpNetwork: binds the listen address and accepts incoming connections, each of
 * which must complete its handshake (within `handshakeTimeoutMs`) before anything it sends reaches the host.
 * Connections still in their handshake hold a slot (handshake-slots.ts): per source address and in all, so
 * a flood of idle sockets can hold neither the node's memory and file descriptors nor a peer's way in. A
 * connection without a slot is refused unread. Each accepted socket speaks TLS 1.3 and must present a
 * certificate (checked against the network map after the handshake, certificate-pin.ts); the slot is taken
 * on the raw TCP connection and the TLS handshake counts as part of the connection's handshake (deadline).
 */
import { type Server, type Socket, createServer } from 'node:net'
import { TLSSocket } from 'node:tls'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { Connection, type ConnectionHost } from './connection.js'
import { ListenError } from './listen-error.js'
import { addressKey } from './address-key.js'
import type { HandshakeRefusals } from './handshake-refusals.js'
import { type HandshakeLimits, HandshakeSlots } from './handshake-slots.js'

export class ConnectionListener {
  readonly server: Server = createServer({ noDelay: true })
  /** Incoming connections not yet authenticated. */
  private readonly handshaking: HandshakeSlots<Connection>
  private stopped = false

  constructor(
    private readonly host: ConnectionHost,
    private readonly refusals: HandshakeRefusals,
    limits: HandshakeLimits,
    /** Called with every accepted connection. */
    private readonly accepted: (connection: Connection) => void,
  ) {
    this.handshaking = new HandshakeSlots(limits.perAddress, limits.total)
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
    this.handshaking.release(connection)
  }

  closed(connection: Connection): void {
    this.handshaking.release(connection)
  }

  /**
   * An incoming connection did not finish its handshake in time: logged per address, rate-limited, since a
   * stranger may leave many idle. False for other connections (the caller logs those itself).
   */
  timedOut(connection: Connection, detail: string): boolean {
    const address = this.handshaking.release(connection)
    if (address === undefined) return false
    this.refusals.refused('handshake-timeout', address, connection.remoteAddress, detail, connection.claimed)
    return true
  }

  /** Stops accepting; resolves once the server is closed. */
  close(): Promise<void> {
    this.stopped = true
    this.refusals.close()
    return new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private accept(socket: Socket): void {
    if (this.stopped) {
      socket.destroy()
      return
    }
    const address = addressKey(socket.remoteAddress)
    const admission = this.handshaking.admit(address)
    if ('refused' in admission) {
      const { perAddress, total } = this.handshaking
      const why =
        admission.refused === 'address'
          ? `${perAddress} connections from that address are still in their handshake`
          : `all ${total} handshake slots are taken, as many by that address as by any other`
      this.refusals.refused('busy', address, `${socket.remoteAddress}:${socket.remotePort}`, why)
      socket.destroy()
      return
    }
    const evicted = admission.evict
    if (evicted) {
      const from = this.handshaking.release(evicted)!
      const why = `all ${this.handshaking.total} handshake slots were taken and its address held the most, so its oldest handshake was closed for one from ${address}`
      this.refusals.refused('busy', from, evicted.remoteAddress, why)
      evicted.close()
    }
    const { secureContext } = this.host.tls
    const secure = new TLSSocket(socket, { isServer: true, secureContext, requestCert: true, rejectUnauthorized: false })
    const connection = new Connection(this.host, secure, 'listener')
    this.handshaking.hold(address, connection)
    this.accepted(connection)
  }
}
