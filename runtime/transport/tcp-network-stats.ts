/** What a TcpNetwork counts: connections, frames, bytes, envelopes and acknowledgements, and refusals by reason. */
import type { RejectReason } from './reject-reason.js'

export interface TcpNetworkStats {
  /** Refused frames and items, by reason. */
  readonly rejected: Partial<Record<RejectReason, number>>
  /** Outgoing connection attempts. */
  dials: number
  /** Connections that completed the handshake, both directions. */
  authenticated: number
  framesSent: number
  framesReceived: number
  bytesSent: number
  bytesReceived: number
  envelopesSent: number
  envelopesDelivered: number
  acksReceived: number
  /** `deliver` rejected: no acknowledgement was sent, the sender will send again. */
  deliverFailures: number
}
