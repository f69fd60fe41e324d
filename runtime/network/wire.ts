/**
 * What nodes send each other. Every message has a deterministic id, so a re-sent message (after a
 * restart or a lost acknowledgement) carries the id of the original and the receiver drops the copy.
 *
 * Per session each side numbers what it sends: the initiator's frames from 0 (the init may carry frame
 * 0), the responder's from 1 (its 0 is the confirm or reject). Data, end and error share that sequence,
 * so an error or end is seen only after the frames sent before it.
 */
import type { SessionFrame, VersionOffer } from '../protocol/session/channel.js'

/** A declared FlowException as it travels: type, message and details; undeclared errors travel as null. */
export interface WireException {
  readonly protocol: string
  readonly errorType: string
  readonly message: string
  readonly details: unknown
}

export type WireMessage =
  | {
      readonly t: 'init'
      readonly session: string
      readonly protocol: string
      readonly versions: readonly VersionOffer[]
      /** The first frame when the initiator's first action was a send (piggy-backed, saves a round trip). */
      readonly first: SessionFrame | null
    }
  | { readonly t: 'confirm'; readonly session: string; readonly version: number }
  | { readonly t: 'reject'; readonly session: string; readonly reason: string }
  | { readonly t: 'data'; readonly session: string; readonly dir: 'i' | 'r'; readonly seq: number; readonly frame: SessionFrame }
  | { readonly t: 'end'; readonly session: string; readonly dir: 'i' | 'r'; readonly seq: number }
  | { readonly t: 'error'; readonly session: string; readonly dir: 'i' | 'r'; readonly seq: number; readonly exception: WireException | null }

export interface Envelope {
  /** Deterministic message id (see message-ids in the engine). */
  readonly id: string
  readonly from: string
  readonly to: string
  readonly body: WireMessage
}
