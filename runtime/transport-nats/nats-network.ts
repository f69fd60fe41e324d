/**
 * Envelopes between nodes through a NATS JetStream broker, signed end to end with the Ed25519 keys of the
 * network map, so the broker carries and keeps messages but cannot forge, redirect or (beyond
 * `maxMessageAgeMs`) replay them.
 *
 * One stream per network holds a subject per party (`<prefix>.to.<party>`, subjects.ts); each party reads
 * its own through a durable consumer (stream-setup.ts). `send` publishes with a message id, so the broker
 * stores an envelope once however often the outbox sends it (signed-publisher.ts); the receiver
 * acknowledges it to the sender, on the sender's subject, only after `deliver` resolved, i.e. after the
 * engine committed it, and only then to JetStream; what is not acknowledged is delivered again
 * (party-consumer.ts). Messages for a party that is down wait in the stream, so nothing is lost while it is
 * away; a broker restart is ridden out by the client's reconnection, after which the engine hears
 * `peerAvailable` for every party and sends what waits at once.
 *
 * Membership (`knows`, `roster`) is the network map's, the same file the TCP transport reads; its
 * addresses are not used.
 */
import { type JetStreamClient, type JetStreamManager, type NatsConnection, connect } from 'nats'
import { NetworkEndpointError } from '../network/network-errors.js'
import type { Endpoint, Network, NetworkPort } from '../network/network.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { NodeIdentity } from '../transport/identity.js'
import type { NetworkMap } from '../transport/network-map.js'
import { checkMapListsIdentity, defaultLogger } from '../transport/tcp-network-options.js'
import { wireLimits } from '../transport/wire-limits.js'
import { NatsTransportError } from './nats-errors.js'
import { type NatsNetworkOptions, type NatsSettings, natsSettings } from './nats-network-options.js'
import { type NatsNetworkStats, emptyNatsStats } from './nats-network-stats.js'
import { NatsRejectionLog } from './nats-rejection-log.js'
import { PartyConsumer } from './party-consumer.js'
import { SignedPublisher } from './signed-publisher.js'
import { ensureConsumer, ensureStream } from './stream-setup.js'

export type { NatsNetworkOptions } from './nats-network-options.js'
export type { NatsNetworkStats } from './nats-network-stats.js'

export class NatsNetwork implements Network {
  readonly identity: NodeIdentity
  /** The network map in force: the one given at start, or the last one `replaceMap` took. */
  map: NetworkMap
  readonly settings: NatsSettings
  readonly stats: NatsNetworkStats = emptyNatsStats()
  private readonly logger: FlowLogger
  private readonly rejections: NatsRejectionLog
  private readonly publisher: SignedPublisher
  private readonly consumer: PartyConsumer
  private endpoint: Endpoint | undefined
  private shutDown = false

  private constructor(
    options: NatsNetworkOptions,
    settings: NatsSettings,
    private readonly connection: NatsConnection,
    js: JetStreamClient,
    jsm: JetStreamManager,
    consumerName: string,
  ) {
    this.identity = options.identity
    this.map = options.map
    this.settings = settings
    this.logger = options.logger ?? defaultLogger
    this.rejections = new NatsRejectionLog(this.identity.name, this.logger, this.stats.rejected, options.rejectionLog)
    this.publisher = new SignedPublisher({
      identity: this.identity,
      settings,
      js,
      logger: this.logger,
      stats: this.stats,
      maxPayload: () => connection.info?.max_payload ?? 1024 * 1024,
      recovered: () => this.everyPeerAvailable(),
      holds: (seq) =>
        jsm.streams.getMessage(settings.stream, { seq }).then(
          () => true,
          () => false,
        ),
    })
    this.consumer = new PartyConsumer({
      self: this.identity.name,
      settings,
      js,
      consumer: consumerName,
      limits: wireLimits(options.limits),
      logger: this.logger,
      stats: this.stats,
      rejections: this.rejections,
      map: () => this.map,
      endpoint: () => this.endpoint,
      acknowledge: (sender, id) => this.publisher.acknowledge(sender, id),
    })
  }

  /**
   * Checks the options and the identity against the map, connects to the broker and makes the stream and
   * this party's consumer when missing. Throws NatsTransportError when the broker cannot be used.
   */
  static async start(options: NatsNetworkOptions): Promise<NatsNetwork> {
    const settings = natsSettings(options)
    checkMapListsIdentity(options.identity, options.map)
    let connection: NatsConnection
    try {
      connection = await connect({
        servers: settings.url.split(',').map((s) => s.trim()),
        name: `colloquy ${options.identity.name}`,
        timeout: settings.connectTimeoutMs,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
      })
    } catch (error) {
      throw new NatsTransportError(
        `${options.identity.name} cannot connect to the NATS broker at ${settings.url} (${(error as Error).message}); start nats-server with JetStream (-js) there, or fix network.url.`,
      )
    }
    try {
      const jsm = await connection.jetstreamManager()
      await ensureStream(jsm, settings)
      const consumerName = await ensureConsumer(jsm, settings, options.identity.name)
      const network = new NatsNetwork(options, settings, connection, connection.jetstream(), jsm, consumerName)
      network.watchConnection()
      return network
    } catch (error) {
      await connection.close()
      if (error instanceof NatsTransportError) throw error
      throw new NatsTransportError(
        `${options.identity.name} cannot set up the NATS stream ${settings.stream} at ${settings.url} (${(error as Error).message}); make sure the server runs with JetStream enabled (-js) and this user may manage streams.`,
      )
    }
  }

  attach(party: string, endpoint: Endpoint): NetworkPort {
    if (this.shutDown) throw new NetworkEndpointError(`The network of ${this.identity.name} is closed; start a new NatsNetwork.`)
    if (party !== this.identity.name)
      throw new NetworkEndpointError(`This NatsNetwork speaks for ${this.identity.name}, not ${party}; start one per node with that node's identity.`)
    if (this.endpoint) throw new NetworkEndpointError(`${party} is already attached to this network; stop or crash the old node first.`)
    this.endpoint = endpoint
    void this.consumer.start() // retries on its own while the broker does not answer
    let attached = true
    return {
      send: (envelope) => {
        if (!attached || this.shutDown) return
        if (!this.map.party(envelope.to) || envelope.to === this.identity.name) {
          this.logger.error(`Cannot send ${envelope.id} to ${envelope.to}: that party is not in the network map (or is this node). Add it to the map.`)
          return
        }
        this.publisher.send(envelope)
      },
      detach: () => {
        if (!attached) return
        attached = false
        if (this.endpoint !== endpoint) return
        this.endpoint = undefined
        this.consumer.stop().catch(() => {}) // closing a subscription the broker already dropped
      },
      knows: (other) => this.map.party(other) !== undefined,
      roster: () => this.map.roster(),
    }
  }

  /** Takes a reloaded network map (as TcpNetwork.replaceMap); throws, keeping the map in force, when it does not list this node with its key. */
  replaceMap(next: NetworkMap): string[] {
    checkMapListsIdentity(this.identity, next)
    const changed = next.parties.filter((p) => !this.map.party(p.name)?.key.equals(p.key)).map((p) => p.name)
    const left = this.map.parties.filter((p) => !next.party(p.name)).map((p) => p.name)
    this.map = next
    return [...changed, ...left]
  }

  /** Where the node is reached: the broker and the stream. */
  get address(): string {
    return `${this.settings.url} stream ${this.settings.stream}`
  }

  /** Stops reading, hands back what is being delivered and closes the connection to the broker. */
  async close(): Promise<void> {
    if (this.shutDown) return
    this.shutDown = true
    this.endpoint = undefined
    await this.consumer.stop().catch(() => {})
    await this.connection.close()
    this.rejections.close()
  }

  private everyPeerAvailable(): void {
    for (const party of this.map.parties) if (party.name !== this.identity.name) this.endpoint?.peerAvailable(party.name)
  }

  /** Logs losing and regaining the broker; after a reconnection the engine sends what waits at once. */
  private watchConnection(): void {
    void (async () => {
      for await (const status of this.connection.status()) {
        if (status.type === 'disconnect') this.logger.warn(`${this.identity.name} lost the NATS broker at ${String(status.data)}; reconnecting.`)
        if (status.type === 'reconnect') {
          this.stats.reconnects++
          this.logger.info(`${this.identity.name} reconnected to the NATS broker at ${String(status.data)}.`)
          this.publisher.forgetStored()
          this.everyPeerAvailable()
        }
      }
    })()
  }
}
