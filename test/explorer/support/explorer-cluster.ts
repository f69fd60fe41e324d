/**
 * A real two-node cluster for the Explorer's browser tests: Ops and Desk on SQLite files and the in-memory
 * network, Ops with its RPC endpoint (users `admin` with ALL, `viewer` who may look but not act; password
 * `<name>-pw`) and an Explorer server on it, Desk echoing every ping. Ops journals its sent payloads
 * (keepSentPayloads) unless started with `keepSentPayloads: false`, so its messages show them.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Echo } from '../../../generated/echo.js'
import { echoer } from '../../../examples/echo-flows.js'
import { createNode } from '../../../runtime/create-node.js'
import type { Node } from '../../../runtime/engine/index.js'
import { ExplorerServer } from '../../../runtime/explorer/explorer-server.js'
import { InMemoryNetwork } from '../../../runtime/network/index.js'
import { hashPassword } from '../../../runtime/rpc/password-hash.js'
import { RpcServer } from '../../../runtime/rpc/rpc-server.js'
import { explorerFlows } from './explorer-flows.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

/** What the viewer may do: look at flows, their progress and the feed; not kill, not signal. */
export const viewerPermissions = [
  'InvokeRpc.listFlows',
  'InvokeRpc.flowStatus',
  'InvokeRpc.progress',
  'InvokeRpc.stateMachinesFeed',
  'InvokeRpc.unfinishedFlows',
]

export class ExplorerCluster {
  private constructor(
    private readonly dir: string,
    readonly ops: Node,
    readonly desk: Node,
    readonly rpc: RpcServer,
    readonly explorer: ExplorerServer,
  ) {}

  /** `assets`: the built page to serve (explorer/dist by default). */
  static async start(assets?: string, { keepSentPayloads = true } = {}): Promise<ExplorerCluster> {
    const dir = mkdtempSync(path.join(tmpdir(), 'colloquy-explorer-'))
    const network = new InMemoryNetwork()
    const logger = { info() {}, warn() {}, error() {} }
    const desk = await createNode({ name: 'Desk', store: path.join(dir, 'desk.db'), network, responders: [echoer()], protocols: [Echo], logger })
    const ops = await createNode({
      name: 'Ops',
      store: path.join(dir, 'ops.db'),
      network,
      flows: explorerFlows,
      protocols: [Echo],
      responders: [echoer()],
      keepFinishedFlows: 'started',
      keepSentPayloads,
      logger,
    })
    const users = [
      { name: 'admin', passwordHash: await hashPassword('admin-pw'), permissions: ['ALL'] },
      { name: 'viewer', passwordHash: await hashPassword('viewer-pw'), permissions: viewerPermissions },
    ]
    const rpc = await RpcServer.start({ node: ops, listen: { host: '127.0.0.1', port: 0 }, users, logger })
    const explorer = await ExplorerServer.start({
      rpc: { url: rpc.url },
      listen: { host: '127.0.0.1', port: 0 },
      lockfile: path.join(root, 'protocols', 'colloquy.lock.json'),
      ...(assets ? { assets } : {}),
    })
    return new ExplorerCluster(dir, ops, desk, rpc, explorer)
  }

  private deskStopped = false

  /** Desk goes down: Ops keeps what it sends Desk in its outbox. */
  async stopDesk(): Promise<void> {
    this.deskStopped = true
    await this.desk.stop()
  }

  async stop(): Promise<void> {
    await this.explorer.close()
    await this.rpc.close()
    await this.ops.stop()
    if (!this.deskStopped) await this.desk.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
