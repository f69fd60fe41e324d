import type { FlowContext } from './flow-context.js'

/**
 * The narrow contract between typed protocol states and whatever carries a session: the durable engine,
 * or the in-process pair used to unit-test protocol implementations.
 */

/** What travels on a session once it is open. Labels of inlined sub-protocols are prefixed: `CollectSignatures.proposal`. */
export type SessionFrame =
  | { readonly kind: 'data'; readonly label: string; readonly payload: unknown }
  | { readonly kind: 'choice'; readonly label: string; readonly branch: string }

export interface SessionChannel {
  readonly protocol: string
  /** The negotiated version. */
  readonly version: number
  /** This side's role name. */
  readonly role: string
  /** The counterparty's party name. */
  readonly counterparty: string
  /** Sends the next frame; resolves once it is durably queued for delivery. */
  send(frame: SessionFrame): Promise<void>
  /**
   * The next frame from the peer, in order. Rejects with a FlowException when the peer raised a declared
   * error, or with UnexpectedFlowEndError when the peer ended or failed otherwise.
   */
  receive(): Promise<SessionFrame>
  /**
   * Optional: the flow context handlers of this session run with. The durable engine gives each session
   * its own journal scope so steps in concurrent handlers replay in a deterministic order.
   */
  readonly context?: FlowContext
  /** Optional: called once the role reached the protocol's end; the engine then tells the peer the session ended. */
  close?(): Promise<void>
}

export interface VersionOffer {
  readonly version: number
  /** Definition hash of that version (`sha256:...`); equal numbers with different hashes are rejected. */
  readonly hash: string
}

export interface SessionRequest {
  readonly protocol: string
  readonly counterparty: string
  /** Every version this side can run, with its definition hash. */
  readonly versions: readonly VersionOffer[]
}

/** Opens sessions: performs the handshake and negotiates the highest common version. */
export interface SessionOpener {
  openSession(request: SessionRequest): Promise<SessionChannel>
}
