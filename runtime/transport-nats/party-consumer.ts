/**
 * Reads this party's subject through its durable consumer and hands what passes the checks of
 * received-message.ts to the engine's endpoint:
 *
 * - an envelope goes to `deliver`; once it resolved (the engine committed it, or found it a duplicate) the
 *   acknowledgement is published to the sender's subject and, once the broker stored that, the message is
 *   acknowledged to JetStream. A `deliver` that rejects, or an acknowledgement the broker does not take,
 *   leaves the message to be delivered again after `retryDeliverAfterMs` (nak); one never answered is
 *   delivered again after the consumer's ack wait.
 * - acknowledgements of envelopes this node sent go to `acknowledged`, then the message to JetStream.
 * - a refused message is logged (throttled), counted and terminated: never delivered, never redelivered.
 *
 * Reading starts when an endpoint attaches and stops when it detaches; messages whose `deliver` is still
 * running then, and any read meanwhile, are handed back at once (nak), so the node that attaches next gets
 * them without waiting out the ack wait.
 */
import type { ConsumerMessages, JetStreamClient, JsMsg } from 'nats'
import type { Endpoint } from '../network/network.js'
import type { Envelope } from '../network/wire.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import type { NetworkMap } from '../transport/network-map.js'
import type { WireLimits } from '../transport/wire-limits.js'
import type { NatsNetworkStats } from './nats-network-stats.js'
import type { NatsSettings } from './nats-network-options.js'
import type { NatsRejectionLog } from './nats-rejection-log.js'
import { receivedMessage } from './received-message.js'

export interface ConsumerHost {
  readonly self: string
  readonly settings: NatsSettings
  readonly js: JetStreamClient
  readonly consumer: string
  readonly limits: WireLimits
  readonly logger: FlowLogger
  readonly stats: NatsNetworkStats
  readonly rejections: NatsRejectionLog
  map(): NetworkMap
  endpoint(): Endpoint | undefined
  /** Publishes the acknowledgement of `id` to `sender`; true once the broker stored it. */
  acknowledge(sender: string, id: string): Promise<boolean>
}

const RETRY_MS = 1_000

export class PartyConsumer {
  private messages: ConsumerMessages | undefined
  private readonly inFlight = new Set<JsMsg>()
  /** Rises with every start and stop, so a start overtaken by a stop closes what it opened. */
  private generation = 0
  private reading = false

  constructor(private readonly host: ConsumerHost) {}

  /**
   * Starts reading (an endpoint attached). When the broker cannot be asked for the consumer (it is down),
   * the failure is logged once and the start retried every `RETRY_MS` until it works or reading stops.
   */
  async start(): Promise<void> {
    const generation = ++this.generation
    this.reading = true
    for (let attempt = 0; generation === this.generation; attempt++) {
      try {
        const consumer = await this.host.js.consumers.get(this.host.settings.stream, this.host.consumer)
        if (generation !== this.generation) return
        const messages = await consumer.consume({ max_messages: 512, callback: (message) => this.onMessage(message) })
        if (generation !== this.generation) await messages.close()
        else this.messages = messages
        if (attempt > 0) this.host.logger.info(`${this.host.self} reads its NATS consumer ${this.host.consumer} again.`)
        return
      } catch (error) {
        if (attempt === 0)
          this.host.logger.warn(
            `${this.host.self} cannot read its NATS consumer ${this.host.consumer} on the stream ${this.host.settings.stream} (${(error as Error).message}); retrying until the broker answers.`,
          )
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
      }
    }
  }

  /** Stops reading (the endpoint detached, or the network closes) and hands back what is being delivered. */
  async stop(): Promise<void> {
    this.generation++
    this.reading = false
    this.handBack()
    const messages = this.messages
    this.messages = undefined
    await messages?.close()
  }

  /** Hands back (nak) every message whose `deliver` has not finished. */
  private handBack(): void {
    for (const message of this.inFlight) message.nak()
    this.inFlight.clear()
  }

  private onMessage(message: JsMsg): void {
    const endpoint = this.host.endpoint()
    if (!endpoint || !this.reading) return message.nak()
    const received = receivedMessage(message.data, message.headers, {
      self: this.host.self,
      map: this.host.map(),
      now: Date.now(),
      maxAgeMs: this.host.settings.maxMessageAgeMs,
      limits: this.host.limits,
    })
    if ('refused' in received) {
      this.host.rejections.refused(received, message.subject)
      return message.term()
    }
    if (received.kind === 'acks') {
      this.host.stats.acksReceived += received.ids.length
      // Confirmed to the broker once the outbox deletes are durable: redelivered (to another worker of the
      // node, perhaps) if this process dies first.
      const durable = received.ids.map((id) => endpoint.acknowledged(id, received.from))
      return void Promise.all(durable).then(
        () => message.ack(),
        () => message.nak(this.host.settings.retryDeliverAfterMs),
      )
    }
    this.deliver(endpoint, received.envelope, message)
  }

  private deliver(endpoint: Endpoint, envelope: Envelope, message: JsMsg): void {
    this.inFlight.add(message)
    let delivered: Promise<void>
    try {
      delivered = endpoint.deliver(envelope)
    } catch (error) {
      delivered = Promise.reject(error)
    }
    const retry = () => {
      if (this.inFlight.delete(message)) message.nak(this.host.settings.retryDeliverAfterMs)
    }
    delivered.then(
      async () => {
        if (!this.inFlight.has(message)) return // handed back meanwhile
        if (!(await this.host.acknowledge(envelope.from, envelope.id))) return retry()
        if (!this.inFlight.delete(message)) return
        this.host.stats.envelopesDelivered++
        message.ack()
      },
      () => {
        this.host.stats.deliverFailures++
        retry()
      },
    )
  }
}
