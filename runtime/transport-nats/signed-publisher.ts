/**
 * Puts signed messages on the broker: envelopes to their recipient's subject, each with a `Nats-Msg-Id`
 * (`<from>><to>:<id>`) so the broker stores an envelope once however often it is published within its
 * duplicate window, and batches of acknowledgements to the subject of the envelopes' sender (ack-batcher.ts;
 * a copy of an acknowledgement is harmless, so they carry no message id).
 *
 * The engine sends an unacknowledged envelope again every second or so; the broker already holds it and
 * redelivers it itself, so an envelope it confirmed is published again only after `republishAfterMs`
 * without the receiver's acknowledgement (by then outside the duplicate window: the receiver drops the
 * copy). A publish the broker does not confirm (down, timed out) is logged once per outage and counted; the
 * envelope stays in the engine's outbox and is published at its next send. The first publish confirmed after
 * failures calls `recovered`, so the engine sends what waits at once.
 */
import type { JetStreamClient, PubAck } from 'nats'
import type { Envelope } from '../network/wire.js'
import type { FlowLogger } from '../protocol/session/flow-context.js'
import { encodeEnvelopeItem } from '../transport/envelope-codec.js'
import type { NodeIdentity } from '../transport/identity.js'
import { AckBatcher } from './ack-batcher.js'
import { signedHeaders } from './message-signature.js'
import type { NatsNetworkStats } from './nats-network-stats.js'
import type { NatsSettings } from './nats-network-options.js'
import { partySubject, partyToken } from './subjects.js'

export interface PublisherHost {
  readonly identity: NodeIdentity
  readonly settings: NatsSettings
  readonly js: JetStreamClient
  readonly logger: FlowLogger
  readonly stats: NatsNetworkStats
  /** The largest message the broker takes, in bytes. */
  maxPayload(): number
  /** A publish was confirmed after publishes had failed. */
  recovered(): void
  /** Whether the stream still holds the message of sequence `seq` (not yet consumed and acknowledged). */
  holds(seq: number): Promise<boolean>
}

export class SignedPublisher {
  /** Envelopes the broker confirmed and the receiver has not acknowledged: key -> when confirmed. */
  private readonly stored = new Map<string, number>()
  private readonly publishing = new Set<string>()
  private readonly reported = new Set<string>()
  private failing = false
  private readonly acks: AckBatcher

  constructor(private readonly host: PublisherHost) {
    this.acks = new AckBatcher(
      async (to, data) => (await this.publish(to, data)) !== undefined,
      (ids) => {
        host.stats.acksSent += ids
        host.stats.ackMessagesSent++
      },
    )
  }

  /** Publishes the envelope unless the broker holds it already (see above). */
  send(envelope: Envelope): void {
    const key = `${envelope.to}\0${envelope.id}`
    if (this.publishing.has(key)) return
    const storedAt = this.stored.get(key)
    if (storedAt !== undefined && Date.now() - storedAt < this.host.settings.republishAfterMs) return
    let item: Buffer
    try {
      item = encodeEnvelopeItem(envelope)
    } catch (error) {
      this.reportOnce(key, `Cannot send ${envelope.id} to ${envelope.to}: its payload cannot be encoded (${(error as Error).message}); send plain data.`)
      return
    }
    if (item.length + 1024 > this.host.maxPayload()) {
      this.reportOnce(
        key,
        `Cannot send ${envelope.id} to ${envelope.to}: it is ${item.length} bytes encoded, over the broker's max_payload of ${this.host.maxPayload()} less 1 KiB for headers; raise max_payload on the NATS server or send smaller messages.`,
      )
      return
    }
    this.publishing.add(key)
    this.publishOnce(envelope, item, storedAt === undefined).then(
      (ok) => {
        this.publishing.delete(key)
        if (!ok) return
        if (this.stored.size >= 100_000) this.stored.clear() // envelopes the engine gave up on are never acknowledged
        this.stored.set(key, Date.now())
        this.host.stats.envelopesSent++
      },
      () => this.publishing.delete(key),
    )
  }

  /**
   * Publishes with the envelope's message id. When the broker already had that id and this process never
   * published it (the node restarted with it in its outbox), the receiver may have consumed the first copy
   * and acknowledged it to a node that stopped before committing the acknowledgement: then the stream no
   * longer holds it, and a copy without the message id is published, which the receiver finds a duplicate and
   * acknowledges again. Without it the envelope would wait in the outbox until the duplicate window passed.
   */
  private async publishOnce(envelope: Envelope, item: Buffer, firstHere: boolean): Promise<boolean> {
    const ack = await this.publish(envelope.to, item, `${envelope.from}>${envelope.to}:${envelope.id}`)
    if (!ack) return false
    if (!ack.duplicate || !firstHere || (await this.host.holds(ack.seq))) return true
    return (await this.publish(envelope.to, item)) !== undefined
  }

  /** Tells `sender` that this node committed its envelope `id`; resolves true once the broker stored the acknowledgement. */
  acknowledge(sender: string, id: string): Promise<boolean> {
    return this.acks.acknowledge(sender, id)
  }

  /** The receiver acknowledged the envelope: it is no longer held back. */
  acknowledged(id: string, to: string): void {
    this.stored.delete(`${to}\0${id}`)
  }

  /** Forgets what the broker holds, so everything the engine sends next is published (after a broker restart). */
  forgetStored(): void {
    this.stored.clear()
  }

  private async publish(to: string, item: Buffer, msgID?: string): Promise<PubAck | undefined> {
    const { identity, settings, js } = this.host
    const claim = { fromToken: partyToken(identity.name), toToken: partyToken(to), at: Date.now() }
    let ack: PubAck
    try {
      ack = await js.publish(partySubject(settings.subjectPrefix, to), item, {
        ...(msgID === undefined ? {} : { msgID }),
        headers: signedHeaders(identity.privateKey, claim, item),
        timeout: settings.publishTimeoutMs,
      })
    } catch (error) {
      this.host.stats.publishFailures++
      if (!this.failing) {
        this.failing = true
        this.host.logger.warn(
          `${identity.name} cannot publish to the NATS stream ${settings.stream} (${(error as Error).message}); messages stay in the outbox and are sent again when the broker answers.`,
        )
      }
      return undefined
    }
    if (this.failing) {
      this.failing = false
      this.host.logger.info(`${identity.name} publishes to the NATS stream ${settings.stream} again.`)
      this.host.recovered()
    }
    return ack
  }

  private reportOnce(key: string, message: string): void {
    if (this.reported.has(key)) return
    if (this.reported.size > 10_000) this.reported.clear()
    this.reported.add(key)
    this.host.logger.error(message)
  }
}
