/**
 * The network a Cluster's nodes talk through, chosen by COLLOQUY_TEST_NETWORK: `memory` (default, one
 * InMemoryNetwork), `tcp` (a TcpNetwork per node listening on loopback, port 0 the first time and the same
 * port after a restart, every node holding the cluster's network map with each party's key) or `nats` (a
 * NatsNetwork per node on the broker of NATS_URL, else nats://127.0.0.1:4222, with a stream and subject
 * prefix of the cluster's own, deleted by `close`). A node that restarts gets a new network, as a new
 * process would; the old one is closed first. A party added later is written into every node's map.
 */
import { randomBytes } from 'node:crypto'
import { connect } from 'nats'
import { type Envelope, InMemoryNetwork, type InMemoryNetworkOptions, type Network } from '../../../runtime/network/index.js'
import { NatsNetwork } from '../../../runtime/transport-nats/index.js'
import { type NodeIdentity, TcpNetwork, generateIdentity, parseNetworkMap, publicKeyText } from '../../../runtime/transport/index.js'

export type TestNetworkKind = 'memory' | 'tcp' | 'nats'

function networkKind(value: string | undefined): TestNetworkKind {
  if (value === undefined || value === '' || value === 'memory') return 'memory'
  if (value === 'tcp' || value === 'nats') return value
  throw new Error(`COLLOQUY_TEST_NETWORK is '${value}'; use memory, tcp or nats.`)
}

export const testNetworkKind: TestNetworkKind = networkKind(process.env.COLLOQUY_TEST_NETWORK)

export const natsTestUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'

const silent = { info() {}, warn() {}, error() {} }

/** Where a party that has no listening node yet is written in the map: a port nothing on loopback answers. */
const notListening = '127.0.0.1:1'

export interface ClusterNetwork {
  /** The in-memory network itself, or undefined for a transport between processes. */
  readonly memory: InMemoryNetwork | undefined
  /** The network a node starting (again) under `name` attaches to. */
  networkFor(name: string): Promise<Network>
  /** Closes every node's network and removes what the cluster left on the broker. */
  close(): Promise<void>
}

/** The network of a cluster. `options` may only name parties unless it is the in-memory one. */
export function clusterNetwork(options: InMemoryNetworkOptions): ClusterNetwork {
  if (testNetworkKind === 'memory') {
    const net = new InMemoryNetwork(options)
    return { memory: net, networkFor: async () => net, close: async () => {} }
  }
  const { parties = [], ...rest } = options
  const inMemoryOnly = Object.keys(rest)
  if (inMemoryOnly.length > 0) {
    throw new Error(
      `This test sets the in-memory network's ${inMemoryOnly.join(', ')}, which COLLOQUY_TEST_NETWORK=${testNetworkKind} does not have; list its file in memoryOnly in vitest.config.ts.`,
    )
  }
  const network = testNetworkKind === 'tcp' ? new TcpNodes() : new NatsNodes()
  for (const party of parties) network.declare(party)
  return network
}

type TransportNetwork = TcpNetwork | NatsNetwork

/** Identities, map and one network per node, shared by TCP and NATS. */
abstract class TransportNodes<N extends TransportNetwork> implements ClusterNetwork {
  readonly memory = undefined
  protected readonly identities = new Map<string, NodeIdentity>()
  protected readonly addresses = new Map<string, string>()
  protected readonly networks = new Map<string, N>()

  /** Makes a party known to every node's map before its node starts. */
  declare(name: string): void {
    if (this.identities.has(name)) return
    this.identities.set(name, generateIdentity(name))
    this.addresses.set(name, notListening)
    this.publishMap()
  }

  protected identity(name: string): NodeIdentity {
    this.declare(name)
    return this.identities.get(name)!
  }

  protected map() {
    const parties = [...this.identities].map(([name, identity]) => ({ name, address: this.addresses.get(name)!, publicKey: publicKeyText(identity) }))
    return parseNetworkMap({ parties }, 'the test network map')
  }

  /** Gives every open network the map as it is now. */
  protected publishMap(): void {
    const map = this.map()
    for (const network of this.networks.values()) network.replaceMap(map)
  }

  async networkFor(name: string): Promise<Network> {
    const identity = this.identity(name)
    await this.networks.get(name)?.close()
    this.networks.delete(name)
    const network = await this.start(identity)
    this.networks.set(name, network)
    return network
  }

  protected abstract start(identity: NodeIdentity): Promise<N>

  async close(): Promise<void> {
    for (const network of this.networks.values()) await network.close()
    this.networks.clear()
  }
}

class TcpNodes extends TransportNodes<TcpNetwork> {
  protected async start(identity: NodeIdentity): Promise<TcpNetwork> {
    const known = this.addresses.get(identity.name)!
    const port = known === notListening ? 0 : Number(known.slice(known.lastIndexOf(':') + 1))
    const network = await TcpNetwork.start({
      identity,
      map: this.map(),
      listen: { host: '127.0.0.1', port },
      logger: silent,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    })
    const address = `127.0.0.1:${network.address.port}`
    if (address !== known) {
      this.addresses.set(identity.name, address)
      this.networks.set(identity.name, network) // it takes the new map too
      this.publishMap()
    }
    return network
  }
}

class NatsNodes extends TransportNodes<NatsNetwork> {
  readonly stream = `TEST_${randomBytes(6).toString('hex')}`
  readonly subjectPrefix = `test.${randomBytes(6).toString('hex')}`
  private used = false

  protected async start(identity: NodeIdentity): Promise<NatsNetwork> {
    this.used = true
    return NatsNetwork.start({
      url: natsTestUrl,
      stream: this.stream,
      subjectPrefix: this.subjectPrefix,
      identity,
      map: this.map(),
      logger: silent,
      ackWaitMs: 2_000,
      retryDeliverAfterMs: 50,
    })
  }

  override async close(): Promise<void> {
    await super.close()
    if (!this.used) return
    const connection = await connect({ servers: natsTestUrl })
    try {
      await (await connection.jetstreamManager()).streams.delete(this.stream).catch(() => false)
    } finally {
      await connection.close()
    }
  }
}

/** `network` with every envelope a node hands it pushed to `sent` first (re-sends included), on any transport. */
export function recordingSends(network: Network, sent: Envelope[]): Network {
  return {
    attach(party, endpoint) {
      const port = network.attach(party, endpoint)
      return {
        send(envelope) {
          sent.push(envelope)
          port.send(envelope)
        },
        detach: () => port.detach(),
        knows: (other) => port.knows(other),
        roster: () => port.roster(),
        ...(port.peerStatus ? { peerStatus: (other: string) => port.peerStatus!(other) } : {}),
      }
    },
  }
}
