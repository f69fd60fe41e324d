/**
 * The client's side of one node's RPC endpoint (rpc-protocol.ts), surviving node restarts: when the
 * connection drops it reconnects with backoff (100 ms doubling to 5 s, with jitter) and logs in again,
 * then sends again every request that is safe to repeat: streams (a started flow carries the flow id it
 * chose, so the node hands back that flow rather than starting another), and reads. A request that is not
 * safe to repeat (killFlow, removeClientId) fails with RpcConnectionError instead: its outcome is unknown.
 */
import WebSocket from 'ws'
import { decodeTaggedJson, encodeTaggedJson } from '../../codec/tagged-json.js'
import { RpcConnectionError, RpcRequestError } from '../rpc-errors.js'
import { MAX_FRAME_BYTES, type Operation, RPC_JSON_LIMITS, RPC_PROTOCOL_VERSION, type ServerMessage, ServerMessageSchema } from '../rpc-protocol.js'
import { fromWireError } from '../wire-error.js'
import { endpointTrust } from './endpoint-trust.js'

/** Where and as whom `connect` logs in. */
export interface ConnectOptions {
  /** `ws://host:port` or `wss://host:port` (the node config's `rpc.listen`). */
  readonly url: string
  /** An RPC user of the node (its config's `rpc.users`). */
  readonly user: string
  readonly password: string
  /** PEM certificate(s) to trust for wss:// (e.g. the node's self-signed certificate). */
  readonly ca?: string | Buffer
  /**
   * For wss:// on the node's own machine: the endpoint's own certificate (PEM, its node.json's rpc.tls.cert),
   * trusted as its own CA (`ca` may add the roots of its chain), and accepted whatever host names it carries,
   * so a loopback URL works with a certificate issued for localhost or the machine's name; any other
   * certificate is refused.
   */
  readonly certificate?: string | Buffer
  /** How long to keep trying to reconnect after the connection drops; then every request fails. Default 60 s. */
  readonly reconnectTimeoutMs?: number
}

/** Where a request's answers go. */
export interface CallHandlers {
  next(value: unknown): void
  done(value: unknown): void
  fail(error: Error): void
}

interface Call {
  readonly op: Operation
  readonly args: unknown
  readonly resend: boolean
  readonly handlers: CallHandlers
}

/** `reconnecting`: the node went away and the client is trying again; `closed`: closed, or it gave up. */
export type ConnectionState = 'connected' | 'reconnecting' | 'closed'

export class RpcSocket {
  private readonly calls = new Map<number, Call>()
  private nextId = 1
  private state: ConnectionState = 'connected'
  private readonly stateListeners = new Set<(state: ConnectionState) => void>()

  private constructor(
    private readonly options: ConnectOptions,
    private socket: WebSocket,
    /** The node's name, as its welcome said. */
    readonly node: string,
  ) {
    this.attach(socket)
  }

  /** Connects and logs in; rejects with the node's refusal (wrong password, throttled) or RpcConnectionError. */
  static async open(options: ConnectOptions): Promise<RpcSocket> {
    const { socket, node } = await login(options)
    return new RpcSocket(options, socket, node)
  }

  get connection(): ConnectionState {
    return this.state
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener)
    return () => this.stateListeners.delete(listener)
  }

  /** Sends a request; `resend` marks it safe to send again after a reconnect. Returns a cancel function. */
  call(op: Operation, args: unknown, handlers: CallHandlers, resend: boolean): () => void {
    if (this.state === 'closed') {
      handlers.fail(new RpcConnectionError(`The RPC client is closed; connect again to call ${op}.`))
      return () => {}
    }
    const id = this.nextId++
    this.calls.set(id, { op, args, resend, handlers })
    if (this.state === 'connected') this.send({ t: 'req', id, op, args })
    return () => {
      if (!this.calls.delete(id)) return
      if (this.state === 'connected') this.send({ t: 'cancel', id })
    }
  }

  /** Closes the connection; pending requests fail with RpcConnectionError. */
  close(): void {
    if (this.state === 'closed') return
    this.setState('closed')
    this.socket.close(1000)
    this.failAll((call) => new RpcConnectionError(`The RPC client was closed before ${call.op} was answered.`))
  }

  private attach(socket: WebSocket): void {
    socket.on('message', (data) => this.onMessage(data.toString()))
    socket.on('close', () => {
      if (this.socket === socket && this.state === 'connected') void this.reconnect()
    })
    socket.on('error', () => {}) // 'close' follows
  }

  private onMessage(text: string): void {
    const message = parse(text)
    if (!message || !('id' in message)) return
    const call = this.calls.get(message.id)
    if (!call) return
    if (message.t === 'next') call.handlers.next(message.value)
    else if (message.t === 'done') {
      this.calls.delete(message.id)
      call.handlers.done(message.value)
    } else if (message.t === 'fail') {
      this.calls.delete(message.id)
      call.handlers.fail(fromWireError(message.error))
    }
  }

  private async reconnect(): Promise<void> {
    this.setState('reconnecting')
    this.failAll(
      (call) =>
        new RpcConnectionError(
          `The connection to node ${this.node} was lost before ${call.op} was answered; whether it took effect is unknown: check with flowStatus or listFlows.`,
        ),
      (call) => !call.resend,
    )
    const giveUpAt = Date.now() + (this.options.reconnectTimeoutMs ?? 60_000)
    for (let attempt = 0; this.state === 'reconnecting'; attempt++) {
      const delay = Math.min(5000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2)
      if (Date.now() + delay > giveUpAt) break
      await new Promise((resolve) => setTimeout(resolve, delay))
      if (this.state !== 'reconnecting') return
      try {
        const { socket } = await login(this.options)
        if (this.state !== 'reconnecting') return void socket.close(1000)
        this.socket = socket
        this.attach(socket)
        this.setState('connected')
        for (const [id, call] of this.calls) this.send({ t: 'req', id, op: call.op, args: call.args })
        return
      } catch (error) {
        if ((error as { code?: string }).code === 'RPC_AUTHENTICATION') {
          this.setState('closed')
          return this.failAll(() => error as Error)
        }
      }
    }
    if (this.state !== 'reconnecting') return
    this.setState('closed')
    this.failAll(
      (call) =>
        new RpcConnectionError(`Node ${this.node} stayed unreachable at ${this.options.url}; ${call.op} was given up. Start the node and connect again.`),
    )
  }

  private failAll(error: (call: Call) => Error, which: (call: Call) => boolean = () => true): void {
    for (const [id, call] of [...this.calls]) {
      if (!which(call)) continue
      this.calls.delete(id)
      call.handlers.fail(error(call))
    }
  }

  private setState(state: ConnectionState): void {
    this.state = state
    for (const listener of this.stateListeners) listener(state)
  }

  private send(message: unknown): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(encodeTaggedJson(message))
  }
}

function parse(text: string): ServerMessage | undefined {
  try {
    const malformed = (reason: string) =>
      new RpcRequestError(`The node sent a message the client cannot read (${reason}); use a client of the node's Colloquy release.`)
    const parsed = ServerMessageSchema.safeParse(decodeTaggedJson(text, [], malformed, RPC_JSON_LIMITS))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

/** One connection and its login: the socket once the node welcomed the user. */
function login(options: ConnectOptions): Promise<{ socket: WebSocket; node: string }> {
  return new Promise((resolve, reject) => {
    const trust = endpointTrust(options) // a certificate that is not one rejects with InvalidOptionError
    let socket: WebSocket
    try {
      // ws hands the TLS options to tls.connect; @types/ws declares checkServerIdentity with another signature than tls's.
      socket = new WebSocket(options.url, { maxPayload: MAX_FRAME_BYTES, handshakeTimeout: 10_000, ...trust } as WebSocket.ClientOptions)
    } catch (error) {
      return reject(new RpcConnectionError(`Cannot connect to ${options.url}: ${(error as Error).message}; give a ws:// or wss:// URL.`))
    }
    let settled = false
    const settle = (outcome: () => void) => {
      if (settled) return
      settled = true
      socket.off('message', onMessage)
      outcome()
    }
    const onMessage = (data: WebSocket.RawData) => {
      const message = parse(data.toString())
      if (message?.t === 'welcome') settle(() => resolve({ socket, node: message.node }))
      else if (message?.t === 'refused') settle(() => reject(fromWireError(message.error)))
    }
    socket.on('message', onMessage)
    socket.once('open', () => socket.send(encodeTaggedJson({ t: 'login', v: RPC_PROTOCOL_VERSION, user: options.user, password: options.password })))
    socket.once('error', (error) =>
      settle(() =>
        reject(new RpcConnectionError(`Cannot reach the node's RPC endpoint at ${options.url} (${error.message}); check that the node runs and the URL.`)),
      ),
    )
    socket.once('close', () =>
      settle(() =>
        reject(
          new RpcConnectionError(`The node at ${options.url} closed the connection before the login completed; check the URL and that it is a Colloquy node.`),
        ),
      ),
    )
  })
}
