/**
 * One client's WebSocket connection: the login (throttled per source address, rate-limited in
 * login-throttle.ts), then requests, each checked against the protocol's schemas and the user's permissions
 * before its operation runs (rpc-operations.ts). Refusals are answered with a coded error and logged; a
 * refused request starts nothing. Streams end when the client cancels them or the connection closes. An
 * answer larger than a client reads fails its request instead (answer-limits.ts).
 */
import type { RawData, WebSocket } from 'ws'
import { decodeTaggedJson, encodeTaggedJson } from '../codec/tagged-json.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { LoginThrottle } from './login-throttle.js'
import type { OperableNode } from './operable-node.js'
import { UNMATCHABLE_HASH, verifyPassword } from './password-hash.js'
import type { Permissions } from './permissions.js'
import { answerProblem } from './answer-limits.js'
import { RpcAnswerTooLargeError, RpcAuthenticationError, RpcPermissionError, RpcRequestError, RpcThrottledError } from './rpc-errors.js'
import { type Reply, operationHandlers } from './rpc-operations.js'
import {
  type ClientMessage,
  ClientMessageSchema,
  type OperationArgs,
  operationArgs,
  RPC_JSON_LIMITS,
  RPC_PROTOCOL_VERSION,
  type RequestMessage,
  type ServerMessage,
} from './rpc-protocol.js'
import { toWireError } from './wire-error.js'

/** A user as the server holds it: the scrypt hash and the permissions. */
export interface RpcAccount {
  readonly passwordHash: string
  readonly permissions: Permissions
}

export interface ConnectionContext {
  readonly node: OperableNode
  readonly accounts: ReadonlyMap<string, RpcAccount>
  readonly throttle: LoginThrottle
  readonly logger: FlowLogger
}

/** How long a new connection may take to log in. */
const LOGIN_TIMEOUT_MS = 10_000

export class RpcConnection {
  private state: 'login' | 'checking' | 'open' | 'closed' = 'login'
  private user = ''
  private permissions: Permissions | undefined
  private readonly active = new Map<number, (() => void)[]>()
  /** The operation of each active request, for the messages about its answer. */
  private readonly operations = new Map<number, string>()
  private readonly loginTimer: NodeJS.Timeout

  constructor(
    private readonly socket: WebSocket,
    private readonly address: string,
    private readonly context: ConnectionContext,
  ) {
    this.loginTimer = setTimeout(() => this.socket.close(1008, 'login timeout'), LOGIN_TIMEOUT_MS)
    socket.on('message', (data, isBinary) =>
      this.onMessage(data, isBinary).catch((error: unknown) => {
        // Nothing a client sends may end the node: an unexpected failure closes this connection only.
        context.logger.error('RPC connection failed', { address, message: (error as Error)?.message ?? String(error) })
        this.refuse(error)
      }),
    )
    socket.on('close', () => this.closed())
    socket.on('error', () => this.closed())
  }

  private async onMessage(data: RawData, isBinary: boolean): Promise<void> {
    const message = this.read(data, isBinary)
    if (message === undefined) return
    if (this.state === 'login') {
      if (message.t !== 'login')
        return this.refuse(
          new RpcRequestError('The first message on an RPC connection must be a login; connect with the typed client or the colloquy command line.'),
        )
      return this.login(message.user, message.password, message.v)
    }
    if (this.state !== 'open') return this.socket.close(1008, 'request before login completed')
    if (message.t === 'cancel') return this.end(message.id)
    if (message.t === 'req') return this.request(message)
  }

  private read(data: RawData, isBinary: boolean): ClientMessage | undefined {
    const bad = (reason: string) =>
      new RpcRequestError(`The RPC message could not be read (${reason}); use a client of RPC protocol version ${RPC_PROTOCOL_VERSION}.`)
    try {
      if (isBinary) throw bad('a binary frame')
      const raw = decodeTaggedJson(data.toString(), [], bad, RPC_JSON_LIMITS)
      const parsed = ClientMessageSchema.safeParse(raw)
      let issues = parsed.error?.issues
      if (parsed.success) {
        if (parsed.data.t !== 'req') return parsed.data
        const args = operationArgs[parsed.data.op].safeParse(parsed.data.args)
        if (args.success) return { ...parsed.data, args: args.data }
        issues = args.error.issues.map((issue) => ({ ...issue, path: ['args', ...issue.path] }))
      }
      const id = (raw as { id?: unknown })?.id
      const problems = (issues ?? [])
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`)
        .join('; ')
      const error = bad(problems)
      if (this.state === 'open' && typeof id === 'number' && Number.isInteger(id) && !this.active.has(id))
        this.send({ t: 'fail', id, error: toWireError(error) })
      else this.refuse(error)
    } catch (error) {
      this.refuse(error)
    }
    return undefined
  }

  private async login(user: string, password: string, version: number): Promise<void> {
    this.state = 'checking'
    clearTimeout(this.loginTimer)
    const { accounts, throttle, logger } = this.context
    if (version !== RPC_PROTOCOL_VERSION) {
      return this.refuse(
        new RpcRequestError(`This node speaks RPC protocol version ${RPC_PROTOCOL_VERSION}, the client ${version}; use a client of the same Colloquy release.`),
      )
    }
    const lockedFor = throttle.lockedFor(this.address)
    if (lockedFor > 0) {
      logger.warn('RPC login refused: too many failed logins from this address', { user, address: this.address })
      return this.refuse(new RpcThrottledError(`Too many failed logins from ${this.address}; try again in ${Math.ceil(lockedFor / 1000)} s.`))
    }
    const account = accounts.get(user)
    const matches = await verifyPassword(password, account?.passwordHash ?? UNMATCHABLE_HASH)
    if (!account || !matches) {
      throttle.failed(this.address)
      logger.warn('RPC login refused: unknown user or wrong password', { user, address: this.address })
      return this.refuse(
        new RpcAuthenticationError(
          `The node refused the login of '${user}': unknown user or wrong password. Check the credentials (COLLOQUY_RPC_USER, COLLOQUY_RPC_PASSWORD); \`colloquy rpc-user add\` adds a user.`,
        ),
      )
    }
    throttle.succeeded(this.address)
    if (this.state !== 'checking') return // closed meanwhile
    this.state = 'open'
    this.user = user
    this.permissions = account.permissions
    this.send({ t: 'welcome', v: RPC_PROTOCOL_VERSION, node: this.context.node.name, user })
  }

  private async request(message: RequestMessage): Promise<void> {
    const { id, op } = message
    if (this.active.has(id))
      return this.send({
        t: 'fail',
        id,
        error: toWireError(new RpcRequestError(`Request id ${id} is already in use on this connection; number requests uniquely.`)),
      })
    const flowName = op === 'startFlow' ? (message.args as OperationArgs<'startFlow'>).flowName : undefined
    const missing = this.permissions!.missing(op, flowName)
    if (missing !== undefined) {
      this.context.logger.warn('RPC request refused: permission missing', { user: this.user, operation: op, permission: missing, address: this.address })
      const what = op === 'startFlow' ? `start flow '${flowName}'` : `call ${op}`
      const error = new RpcPermissionError(
        `User '${this.user}' may not ${what}; grant ${missing} (or ALL) to the user in the rpc section of node.json.`,
        missing,
      )
      return this.send({ t: 'fail', id, error: toWireError(error) })
    }
    const ends: (() => void)[] = []
    this.active.set(id, ends)
    this.operations.set(id, op)
    const live = () => this.active.get(id) === ends
    const finish = (message: ServerMessage) => {
      if (!live()) return
      this.send(message)
      this.end(id)
    }
    const reply: Reply = {
      next: (value) => {
        if (live()) this.send({ t: 'next', id, value })
      },
      done: (value) => finish({ t: 'done', id, value }),
      fail: (error) => finish({ t: 'fail', id, error: toWireError(error) }),
      onEnd: (stop) => {
        if (live()) ends.push(stop)
        else stop()
      },
    }
    try {
      // biome-ignore lint/suspicious/noExplicitAny: the schema union pairs each op with its arguments; the handler table is indexed by the same op
      await (operationHandlers[op] as (context: any, args: any) => Promise<void>)({ node: this.context.node, user: this.user, reply }, message.args)
    } catch (error) {
      reply.fail(error)
    }
  }

  /** Ends a request: its streams stop. */
  private end(id: number): void {
    const ends = this.active.get(id)
    if (!ends) return
    this.active.delete(id)
    this.operations.delete(id)
    for (const stop of ends) stop()
  }

  private refuse(error: unknown): void {
    this.send({ t: 'refused', error: toWireError(error) })
    this.socket.close(1008, 'refused')
    this.closed()
  }

  private send(message: ServerMessage): void {
    if (this.socket.readyState !== this.socket.OPEN) return
    const text = encodeTaggedJson(message)
    const problem = message.t === 'next' || message.t === 'done' ? answerProblem(text) : undefined
    if (problem === undefined || !('id' in message)) return this.socket.send(text)
    const op = this.operations.get(message.id) ?? 'the request'
    const error = new RpcAnswerTooLargeError(
      `The node's answer to ${op} was not sent: ${problem}. Ask for less (a narrower filter); a value that large cannot travel over RPC.`,
    )
    this.context.logger.warn('RPC answer not sent: too large', { user: this.user, operation: op, address: this.address, problem })
    this.socket.send(encodeTaggedJson({ t: 'fail', id: message.id, error: toWireError(error) } satisfies ServerMessage))
    if (message.t === 'next') this.end(message.id)
  }

  private closed(): void {
    if (this.state === 'closed') return
    this.state = 'closed'
    clearTimeout(this.loginTimer)
    for (const id of [...this.active.keys()]) this.end(id)
  }
}
