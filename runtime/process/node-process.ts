/**
 * One node as an OS process: its identity, its network endpoint (TCP, or NATS JetStream: node-network.ts), its
 * store and its app. Starting resumes every unfinished flow (the engine replays them) and then starts the config's `start` flows that never ran
 * (all checked first, start-list.ts); a flow id listed there runs once however often the process is
 * started or killed. A start that fails stops the node and closes the listener before the error is thrown.
 */
import { readFileSync } from 'node:fs'
import { createNode, openStore, storeClosed } from '../create-node.js'
import type { Node } from '../engine/node-api.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { ExplorerServer } from '../explorer/explorer-server.js'
import { RpcServer } from '../rpc/rpc-server.js'
import { loadIdentity, publicKeyText } from '../transport/identity.js'
import { loadNetworkMap } from '../transport/network-map.js'
import { loadNodeApp } from './node-app.js'
import type { NodeConfig } from './node-config.js'
import { NodeConfigError } from './node-config.js'
import type { EventSink } from './node-events.js'
import { type NodeNetwork, networkAddress, startNodeNetwork } from './node-network.js'
import { runStartList } from './start-list.js'

export interface RunningNode {
  readonly node: Node
  /** TCP, or NATS JetStream when the config's `network` says so. */
  readonly network: NodeNetwork
  /** The RPC endpoint, when the config has an `rpc` section. */
  readonly rpc: RpcServer | undefined
  /** The Explorer page, when the config has an `explorer` section. */
  readonly explorer: ExplorerServer | undefined
  /**
   * Resolves when the node stopped on its own after a fatal error it logged (its store failed to commit),
   * once the listener is closed; never after `stop()`.
   */
  readonly failed: Promise<void>
  /** Commits what is pending, closes the store and the listener. */
  stop(): Promise<void>
}

export async function startNodeProcess(config: NodeConfig, sink: EventSink): Promise<RunningNode> {
  const identity = loadIdentity(config.name, config.keyFile, config.file)
  const map = loadNetworkMap(config.networkMap)
  const own = map.party(config.name)
  if (!own) {
    throw new NodeConfigError(
      `${config.networkMap}: the network map has no entry for ${config.name}; add the line that \`colloquy identity --config ${config.file}\` prints.`,
    )
  }
  if (own.publicKey !== publicKeyText(identity)) {
    throw new NodeConfigError(
      `${config.networkMap}: the network map lists ${config.name} with a different public key than ${config.keyFile} holds; ` +
        `publish the key that \`colloquy identity --config ${config.file}\` prints, or restore the node's key file.`,
    )
  }
  const app = await loadNodeApp(config.app)
  const logger: FlowLogger = {
    info: (message, fields) => sink({ event: 'log', node: config.name, level: 'info', message, ...(fields ? { fields } : {}) }),
    warn: (message, fields) => sink({ event: 'log', node: config.name, level: 'warn', message, ...(fields ? { fields } : {}) }),
    error: (message, fields) => sink({ event: 'log', node: config.name, level: 'error', message, ...(fields ? { fields } : {}) }),
  }
  // The store before the listener: a store in use by another node, damaged or behind its commit mark is
  // refused before this process takes a port or shows itself to a peer.
  const store = await openStore(config.store, config.durability, { node: config.name, logger })
  let network: NodeNetwork
  try {
    network = await startNodeNetwork(config, identity, map, logger)
  } catch (error) {
    store.close()
    await storeClosed(store)
    throw error
  }
  let node: Node
  try {
    node = await createNode({
      name: config.name,
      store,
      network,
      flows: app.flows,
      responders: app.responders,
      ...(app.protocols ? { protocols: app.protocols } : {}),
      drain: config.drain,
      keepFinishedFlows: 'started',
      logger,
      ...(config.redeliverAfterMs ? { redeliverAfterMs: config.redeliverAfterMs } : {}),
      ...(config.evictIdleAfterMs !== undefined ? { evictIdleAfterMs: config.evictIdleAfterMs } : {}),
      keepSentPayloads: config.keepSentPayloads,
      quotas: config.quotas,
      onSessionAction: (action) => sink({ event: 'action', ...action }),
      onFlowEnd: (end) =>
        sink({
          event: 'flow-end',
          node: config.name,
          flowId: end.flowId,
          flow: end.name,
          kind: end.kind,
          ok: end.ok,
          ...(end.ok ? { result: end.result } : { error: (end.error as Error)?.message ?? String(end.error) }),
        }),
    })
  } catch (error) {
    store.close() // given to createNode, so still ours to close when the node did not open
    await storeClosed(store)
    await network.close()
    throw error
  }
  // The node stops on its own only after a fatal error it logged (e.g. its store failed to commit): the
  // process then closes its listener and reports `failed` instead of staying half alive.
  let stopRequested = false
  let haltedItself = false
  let failedItself!: () => void
  const failed = new Promise<void>((resolve) => (failedItself = resolve))
  let rpc: RpcServer | undefined
  let explorer: ExplorerServer | undefined
  node.events.subscribe({
    complete: () => {
      if (stopRequested) return
      haltedItself = true
      Promise.all([explorer?.close(), rpc?.close(), network.close()]).then(failedItself, failedItself)
    },
  })
  let stopping: Promise<void> | undefined
  const running: RunningNode = {
    node,
    network,
    get rpc() {
      return rpc
    },
    get explorer() {
      return explorer
    },
    failed,
    stop: () =>
      (stopping ??= (async () => {
        stopRequested = true
        await explorer?.close()
        await rpc?.close()
        await node.stop()
        await storeClosed(store) // already closed when stop() resolved; kept for a store closed elsewhere
        await network.close()
        sink({ event: 'stopped', node: config.name })
      })()),
  }
  let resumed: number
  try {
    resumed = (await node.unfinishedFlows()).length
    // A draining node takes no new work.
    if (!config.drain)
      await runStartList(config, node, app.flows, (request, flow) => sink({ event: 'flow-started', node: config.name, flowId: request.id, flow: flow.name }))
    if (config.rpc) rpc = await RpcServer.start({ node, listen: config.rpc.listen, users: config.rpc.users, tls: config.rpc.tls, logger })
    // Loaded only when asked for: a node without an explorer section loads no web server.
    if (config.explorer && rpc)
      explorer = await (await import('../explorer/explorer-server.js')).ExplorerServer.start({
        rpc: ownRpcEndpoint(rpc, config),
        listen: config.explorer.listen,
        tls: config.explorer.tls,
        lockfile: config.explorer.lockfile,
      })
  } catch (error) {
    // A failed commit rejects its waiters first and stops the node a moment later: let it, then see.
    await new Promise((resolve) => setImmediate(resolve))
    if (haltedItself) return running // it logged why; `failed` ends the process
    stopRequested = true
    await explorer?.close()
    await rpc?.close()
    await node.stop()
    await storeClosed(store)
    await network.close()
    throw error
  }
  if (config.drain) {
    node.drained.then(
      (report) => sink({ event: 'drained', node: config.name, parked: report.parked.map((p) => p.flowId) }),
      () => {}, // stopped before it drained: nothing to report
    )
  }
  sink({
    event: 'ready',
    node: config.name,
    address: networkAddress(network),
    pid: process.pid,
    resumed,
    ...(rpc ? { rpc: rpc.url } : {}),
    ...(explorer ? { explorer: explorer.url } : {}),
  })
  return running
}

/**
 * The node's RPC endpoint as the Explorer in the same process reaches it: over loopback when it listens on
 * every interface, and with TLS trusting the endpoint's own certificate, whatever host names it carries (it
 * names the machine, e.g. localhost, while the Explorer dials the address the endpoint listens on).
 */
function ownRpcEndpoint(rpc: RpcServer, config: NodeConfig): { url: string; certificate?: Buffer } {
  const { host, port } = rpc.address
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host
  const url = `${rpc.secure ? 'wss' : 'ws'}://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`
  return config.rpc?.tls ? { url, certificate: readFileSync(config.rpc.tls.cert) } : { url }
}
