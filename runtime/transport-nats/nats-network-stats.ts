/** What a NatsNetwork counted since it started. */
import type { NatsRejectReason } from './received-message.js'

export interface NatsNetworkStats {
  /** Messages refused off the broker, by reason (received-message.ts); none reached the engine. */
  readonly rejected: Partial<Record<NatsRejectReason, number>>
  /** Envelopes the broker stored (duplicates it dropped included). */
  envelopesSent: number
  /** Publishes the broker did not confirm (down, timed out); the engine sends those envelopes again. */
  publishFailures: number
  /** Envelopes whose `deliver` resolved and which were acknowledged to their sender. */
  envelopesDelivered: number
  /** `deliver` calls that rejected: the message is delivered again after `retryDeliverAfterMs`. */
  deliverFailures: number
  /** Envelope ids acknowledged to their senders, and the messages that carried them (a batch per sender and turn). */
  acksSent: number
  ackMessagesSent: number
  acksReceived: number
  /** Times the connection to the broker came back after it was lost. */
  reconnects: number
}

export const emptyNatsStats = (): NatsNetworkStats => ({
  rejected: {},
  envelopesSent: 0,
  publishFailures: 0,
  envelopesDelivered: 0,
  deliverFailures: 0,
  acksSent: 0,
  ackMessagesSent: 0,
  acksReceived: 0,
  reconnects: 0,
})
