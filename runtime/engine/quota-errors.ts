/** Errors of the per-peer quotas (peer-quotas.ts); each has a stable code. */
import { ColloquyError } from '../protocol/errors/colloquy-error.js'

/** A peer past its responder-session quota sent more inits than it is answered rejects a second: the init is not taken (sent again later). */
export class InitThrottledError extends ColloquyError {
  override readonly name = 'InitThrottledError'
  readonly code = 'INIT_THROTTLED'
}

/** A responder flow heard nothing from its initiator within `responderIdleAfterMs` and was ended. */
export class ResponderIdleError extends ColloquyError {
  override readonly name = 'ResponderIdleError'
  readonly code = 'RESPONDER_IDLE'
}

/** A session holds `maxHeldBytesPerSession` of frames sent ahead: a further one is not taken (its sender sends it again later). */
export class HeldFramesQuotaError extends ColloquyError {
  override readonly name = 'HeldFramesQuotaError'
  readonly code = 'HELD_FRAMES_QUOTA'
}

/** A peer has `maxOutboxPerPeer` unacknowledged messages waiting: the flow sending one more fails. */
export class OutboxQuotaError extends ColloquyError {
  override readonly name = 'OutboxQuotaError'
  readonly code = 'OUTBOX_QUOTA'
}

/** A peer acknowledged nothing for `peerSilenceAfterMs` while messages waited for it: the flows that sent them fail. */
export class PeerSilentError extends ColloquyError {
  override readonly name = 'PeerSilentError'
  readonly code = 'PEER_SILENT'
}
