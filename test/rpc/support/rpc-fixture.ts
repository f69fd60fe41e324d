/** A node on a SQLite file with its RPC server on loopback, users with chosen permissions, and what it logged. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createNode } from '../../../runtime/create-node.js'
import type { Flow, Node } from '../../../runtime/engine/index.js'
import { InMemoryNetwork } from '../../../runtime/network/index.js'
import { connect } from '../../../runtime/rpc/client/connect.js'
import type { RpcClient } from '../../../runtime/rpc/client/rpc-client-api.js'
import type { LoginThrottleOptions } from '../../../runtime/rpc/login-throttle.js'
import { hashPassword } from '../../../runtime/rpc/password-hash.js'
import type { RpcUser } from '../../../runtime/rpc/rpc-config.js'
import { RpcServer } from '../../../runtime/rpc/rpc-server.js'
import { rpcFlows } from './rpc-flows.js'

export interface LogLine {
  readonly level: string
  readonly message: string
  readonly fields?: Record<string, unknown>
}

export class RpcFixture {
  readonly logs: LogLine[] = []
  private readonly clients: RpcClient[] = []
  private users: RpcUser[] = []

  private constructor(
    readonly dir: string,
    public node: Node,
    public server: RpcServer,
    private readonly throttle: LoginThrottleOptions | undefined,
    private readonly flows: readonly Flow[],
  ) {}

  /** `users` maps a name to its permissions; each user's password is `<name>-pw`. */
  static async start(users: Record<string, readonly string[]>, throttle?: LoginThrottleOptions, flows: readonly Flow[] = rpcFlows): Promise<RpcFixture> {
    const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-rpc-'))
    const fixture = new RpcFixture(dir, undefined as unknown as Node, undefined as unknown as RpcServer, throttle, flows)
    fixture.users = await Promise.all(
      Object.entries(users).map(async ([name, permissions]) => ({ name, passwordHash: await hashPassword(`${name}-pw`), permissions: [...permissions] })),
    )
    fixture.node = await fixture.openNode()
    fixture.server = await fixture.openServer(0)
    return fixture
  }

  get url(): string {
    return this.server.url
  }

  client(user: string, password = `${user}-pw`): Promise<RpcClient> {
    return connect({ url: this.url, user, password, reconnectTimeoutMs: 10_000 }).then((client) => {
      this.clients.push(client)
      return client
    })
  }

  /** The server goes away and comes back on the same port (the node keeps running): clients reconnect. */
  async restartServer(pauseMs = 200): Promise<void> {
    const port = this.server.address.port
    await this.server.close()
    await new Promise((resolve) => setTimeout(resolve, pauseMs))
    this.server = await this.openServer(port)
  }

  /** The node stops and opens its store again, with its server on the same port, as a restarted process would. */
  async restartNode(pauseMs = 200): Promise<void> {
    const port = this.server.address.port
    await this.server.close()
    await this.node.stop()
    await new Promise((resolve) => setTimeout(resolve, pauseMs))
    this.node = await this.openNode()
    this.server = await this.openServer(port)
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.close()
    await this.server.close()
    await this.node.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }

  private openNode(): Promise<Node> {
    const logger = { info() {}, warn() {}, error() {} }
    return createNode({
      name: 'Ops',
      store: path.join(this.dir, 'ops.db'),
      network: new InMemoryNetwork(),
      flows: this.flows,
      keepFinishedFlows: 'started',
      logger,
    })
  }

  private openServer(port: number): Promise<RpcServer> {
    const record = (level: string) => (message: string, fields?: Record<string, unknown>) =>
      void this.logs.push({ level, message, ...(fields ? { fields } : {}) })
    return RpcServer.start({
      node: this.node,
      listen: { host: '127.0.0.1', port },
      users: this.users,
      logger: { info: record('info'), warn: record('warn'), error: record('error') },
      ...(this.throttle ? { throttle: this.throttle } : {}),
    })
  }
}
