/**
 * Per-peer quotas: what one authenticated party may make this node hold. A member of the network is
 * trusted to sign its frames, not to be reasonable: without these limits a peer could open responder
 * sessions without end, leave them waiting forever, fill a session's inbox with frames it sent ahead, or
 * never acknowledge what it is sent. Every limit has a safe default; `Infinity` turns one off.
 */
export interface PeerQuotas {
  /** Responder sessions one peer may have open on this node at once; a further init is rejected, naming this quota. Default 10,000. */
  readonly maxResponderSessionsPerPeer?: number
  /**
   * A responder flow that has heard nothing from its initiator for this long ends; the initiator gets an
   * error frame. Default 1 hour.
   */
  readonly responderIdleAfterMs?: number
  /**
   * Bytes of frames one session holds beyond the next one its flow will consume (frames sent ahead, or
   * out of order). A frame beyond it is neither stored nor acknowledged: its sender keeps it and sends it
   * again, by which time the flow has consumed some. Default 16 MiB.
   */
  readonly maxHeldBytesPerSession?: number
  /** Unacknowledged messages this node keeps for one peer; a flow sending beyond it fails. Default 100,000. */
  readonly maxOutboxPerPeer?: number
  /**
   * A peer that has acknowledged nothing for this long while messages wait for it: the flows that sent
   * those messages fail, saying the peer is silent. Default 24 hours.
   */
  readonly peerSilenceAfterMs?: number
}

export type ResolvedQuotas = Required<PeerQuotas>

export const defaultQuotas: ResolvedQuotas = {
  maxResponderSessionsPerPeer: 10_000,
  responderIdleAfterMs: 3600_000,
  maxHeldBytesPerSession: 16 * 1024 * 1024,
  maxOutboxPerPeer: 100_000,
  peerSilenceAfterMs: 24 * 3600_000,
}

export function resolveQuotas(quotas: PeerQuotas | undefined): ResolvedQuotas {
  return { ...defaultQuotas, ...quotas }
}
